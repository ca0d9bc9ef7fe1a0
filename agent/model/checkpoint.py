"""One loader for training, evaluation and the live agent; a format that cannot execute code on load.

A shipped checkpoint is a safetensors file: the weights, plus string metadata holding the model
config, the timing settings (delta1, delta2, lead), the vocabulary hash and training figures as JSON.
Loading checks the vocabulary hash so a model is never run against a vocabulary it was not trained on.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from agent.errors import ModelError
from agent.model import vocab as V
from agent.model.anticipation import TimingSettings
from agent.model.network import ModelConfig, MusicTransformer

_T = TypeVar("_T")

FORMAT = "sideman-checkpoint-1"
JEPA_PREFIX = "jepa."  # tensors of JEP-AGA's encoders (agent.model.jepa.PREFIX: it reads them)


def save_checkpoint(
    path: Path, model: MusicTransformer, timing: TimingSettings, info: dict[str, Any] | None = None,
    extra: tuple[dict[str, Any], dict[str, str]] | None = None,
) -> None:
    """Write weights and settings atomically (a crash mid-write never leaves a half file). `extra`:
    (tensors, metadata) stored beside the generator's, such as JEP-AGA's encoders (`agent.model.jepa`)."""
    state = {k: v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()}  # from any device
    state |= extra[0] if extra else {}
    meta = {
        **(extra[1] if extra else {}),
        "format": FORMAT,
        "model": json.dumps(model.config.to_dict()),
        "timing": json.dumps(asdict(timing)),
        "vocab_hash": V.vocab_hash(),
        "info": json.dumps(info or {}),
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(tmp), metadata=meta)
    tmp.replace(path)


def read_metadata(path: Path) -> dict[str, str]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            meta = handle.metadata() or {}
    except (OSError, SafetensorError) as exc:
        raise ModelError(f"{path}: not a readable checkpoint ({exc})") from exc
    if meta.get("format") != FORMAT:
        raise ModelError(f"{path}: not a Sideman checkpoint (format {meta.get('format')!r})")
    return meta


def _settings(kind: type[_T], meta: dict[str, str], key: str, path: Path) -> _T:
    """The recorded `key` settings as `kind`; ModelError names keys this code does not know (a
    checkpoint from a newer version) or a record that is not a JSON object."""
    try:
        recorded = json.loads(meta[key])
    except (KeyError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: no readable {key} settings in the checkpoint ({exc})") from exc
    if not isinstance(recorded, dict):
        raise ModelError(f"{path}: the {key} settings are not a JSON object")
    known = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    unknown = sorted(set(recorded) - known)
    if unknown:
        raise ModelError(f"{path}: {key} settings this code does not know: {', '.join(unknown)} "
                         "(a checkpoint from a newer Sideman?)")
    try:
        return kind(**recorded)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{path}: {key} settings do not fit ({exc})") from exc


def load_checkpoint(path: Path) -> tuple[MusicTransformer, TimingSettings, dict[str, Any]]:
    """The model (in eval mode), its timing settings and its info dict; ModelError names what is wrong."""
    if not path.is_file():
        raise ModelError(f"model file {path} does not exist")
    meta = read_metadata(path)
    if meta.get("vocab_hash") != V.vocab_hash():
        raise ModelError(
            f"{path}: trained with vocabulary {meta.get('vocab_hash')}, this code has {V.vocab_hash()}"
        )
    config = _settings(ModelConfig, meta, "model", path)
    timing = _settings(TimingSettings, meta, "timing", path)
    model = MusicTransformer(config)
    try:
        weights = load_file(str(path))
        model.load_state_dict({k: v for k, v in weights.items() if not k.startswith(JEPA_PREFIX)})
    except (RuntimeError, SafetensorError) as exc:
        raise ModelError(f"{path}: weights do not fit the recorded model settings ({exc})") from exc
    model.eval()
    if config.cond_dim:  # a composition checkpoint: its JEP-AGA encoders ride along with the generator
        from agent.model import jepa

        jepa.attach(model, jepa.from_checkpoint(path))
    return model, timing, json.loads(meta.get("info", "{}"))
