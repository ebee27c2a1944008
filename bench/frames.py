"""What the kernel's websocket frames carry: each frame decoded and put in a group (message type, and for widget
messages the widget's model and the kind of message), to see which widgets and messages make up a lesson's bytes.

Used by ``browser_weight.py --breakdown``.  Frames come in JupyterLab's binary websocket protocol
(v1.kernel.websocket.jupyter.org: a count of offsets, the offsets, then channel, header, parent header, metadata,
content and buffers) or as plain JSON text."""

from __future__ import annotations

import json
import struct
from collections import defaultdict


def decode(payload) -> dict | None:
    """The message in a frame as a dict (channel, header, content, buffers as a byte count), or None."""
    if isinstance(payload, str):
        try:
            msg = json.loads(payload)
        except ValueError:
            return None
        msg["n_buffer_bytes"] = 0
        return msg
    data = bytes(payload)
    try:
        (n,) = struct.unpack_from("<Q", data, 0)
        offsets = list(struct.unpack_from(f"<{n}Q", data, 8))
        offsets.append(len(data))
        parts = [data[offsets[i]:offsets[i + 1]] for i in range(n)]
        return {"channel": parts[0].decode(), "header": json.loads(parts[1]), "content": json.loads(parts[4]),
                "n_buffer_bytes": sum(len(p) for p in parts[5:])}
    except (struct.error, ValueError, IndexError):
        return None


class Breakdown:
    """Frames counted by group; ``add(payload)`` for each frame received, ``table()`` for the result."""

    def __init__(self):
        self.models: dict[str, str] = {}  # comm id -> the widget's model name (with its CSS classes when it has any)
        self.bytes = defaultdict(int)
        self.frames = defaultdict(int)

    def _model(self, state: dict) -> str:
        name = state.get("_model_name", "?").replace("Model", "")
        if name == "Any":
            esm = state.get("_esm", "")
            name = ("FigureView" if "mh-live-figure" in esm else "A11y" if "mh-a11y" in esm
                    else "FileLink" if "mh-file-link" in esm else "AnyWidget")
        classes = [c for c in state.get("_dom_classes", ()) if c.startswith("mh-")]
        if classes:
            first = classes[0]
            # mh-ledger-0-3-moral and the like: one group per kind of control
            parts = first.split("-")
            if first.startswith("mh-ledger-") and len(parts) > 3:
                first = "mh-ledger-*-" + parts[-1] if parts[-1] in ("evidence",) else "mh-ledger-*-*-" + parts[-1]
            name += f" .{first}"
        return name

    def add(self, payload) -> None:
        size = len(payload.encode() if isinstance(payload, str) else payload)
        msg = decode(payload)
        if msg is None:
            group = "undecoded"
        else:
            kind = msg["header"].get("msg_type", "?")
            content = msg.get("content", {})
            group = kind
            if kind == "comm_open":
                state = content.get("data", {}).get("state", {})
                model = self._model(state)
                self.models[content.get("comm_id")] = model
                group = f"comm_open {model}"
            elif kind == "comm_msg":
                data = content.get("data", {})
                model = self.models.get(content.get("comm_id"), "?")
                method = data.get("method", "?")
                keys = ",".join(sorted(data.get("state", {}))) if method in ("update", "echo_update") else ""
                group = f"comm_msg {method} {model}" + (f" [{keys}]" if keys else "")
            elif kind in ("display_data", "execute_result", "update_display_data"):
                group = f"{kind} " + ",".join(sorted(content.get("data", {})))
        self.bytes[group] += size
        self.frames[group] += 1

    def table(self, top: int = 40) -> str:
        total = sum(self.bytes.values()) or 1
        rows = sorted(self.bytes, key=self.bytes.get, reverse=True)
        lines = [f"    {'bytes':>9} {'share':>6} {'frames':>6}  group"]
        for group in rows[:top]:
            lines.append(f"    {self.bytes[group]:>9} {self.bytes[group] / total:>6.1%} {self.frames[group]:>6}  {group}")
        if len(rows) > top:
            rest = rows[top:]
            lines.append(f"    {sum(self.bytes[g] for g in rest):>9} {'':>6} {sum(self.frames[g] for g in rest):>6}  "
                         f"({len(rest)} more groups)")
        return "\n".join(lines)
