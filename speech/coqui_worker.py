"""Coqui TTS worker: runs inside its own virtualenv (coqui-tts pins numpy 2 and protobuf 7, which
clash with the show's numpy 1.26 / protobuf 4.25), speaking JSON lines on stdin/stdout.

    .venv-coqui/bin/python -P speech/coqui_worker.py serve MODEL_DIR
    .venv-coqui/bin/python -P speech/coqui_worker.py build-tiny MODEL_DIR   # untrained VITS for tests

(-P keeps speech/ off sys.path, where speech/types.py would shadow the standard library.)

Request:  {"text": "...", "speed": 1.0}
Response: {"ok": true, "sample_rate": 22050, "pcm": base64 int16 LE, "units": [[text, samples], ...],
           "exact": true}  or  {"ok": false, "error": "..."}
`units` are the model's own per-character durations (exact). Supported: VITS models with a
character vocabulary (what Coqui's VITS recipes train); other architectures are refused clearly.
Only the standard library, numpy and TTS are imported here.
"""
from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

TINY_CHARACTERS = ("的一是不了人我在有他这个们中来上大为和国地到以说时要就出也得里后自之年过生会家下天可她"
                   "对多小好那还心都样直播间手价元满减九八七六五四三二十百千万零点两件折欢迎来你元茶款"
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def find_checkpoint(model_dir: Path) -> Path:
    for name in ("model.pth", "best_model.pth", "model_file.pth", "checkpoint.pth"):
        if (model_dir / name).is_file():
            return model_dir / name
    found = sorted(model_dir.glob("*.pth"))
    if not found:
        raise FileNotFoundError(f"{model_dir}: no .pth checkpoint")
    return found[-1]


class Voice:
    def __init__(self, model_dir: Path) -> None:
        import torch
        from TTS.config import load_config
        from TTS.tts.models import setup_model

        self.torch = torch
        torch.set_num_threads(1)
        self.config = load_config(str(model_dir / "config.json"))
        if self.config.model != "vits" or self.config.get("use_phonemes", False):
            raise ValueError(f"{model_dir}: model {self.config.model!r} (phonemes: "
                             f"{self.config.get('use_phonemes', False)}) is not supported; livehost reads "
                             "exact timings from VITS models with a character vocabulary")
        self.model = setup_model(self.config)
        self.model.load_checkpoint(self.config, str(find_checkpoint(model_dir)), eval=True)
        self.sample_rate = int(self.config.audio["sample_rate"])
        self.hop = int(self.config.audio["hop_length"])

    def speak(self, text: str, speed: float) -> dict:
        import numpy as np

        tokenizer = self.model.tokenizer
        ids: list[int] = []
        owner: list[int] = []  # which character each token belongs to (-1: blank, bos, eos)
        for i, char in enumerate(text):
            char_ids = tokenizer.encode(char)  # unknown characters encode to nothing
            ids += char_ids
            owner += [i] * len(char_ids)
        if tokenizer.add_blank:
            blank = tokenizer.characters.blank_id
            ids = [x for token in ids for x in (blank, token)] + [blank]
            owner = [o for token in owner for o in (-1, token)] + [-1]
        if tokenizer.use_eos_bos:
            ids = [tokenizer.characters.bos_id] + ids + [tokenizer.characters.eos_id]
            owner = [-1] + owner + [-1]
        if not any(o >= 0 for o in owner):
            return self._reply(np.zeros(0, dtype=np.float32), [], exact=True)
        self.model.length_scale = 1.0 / speed
        with self.torch.no_grad():
            out = self.model.inference(self.torch.LongTensor(ids)[None])
        wav = out["model_outputs"].reshape(-1).numpy()
        frames = out["durations"].reshape(-1).long().tolist()
        units: list[list] = []
        for o, n in zip(owner, frames):  # blank tokens join the character before them
            label = text[o] if o >= 0 else ""
            if units and (o < 0 or units[-1][2] == o):
                units[-1][1] += n * self.hop
            else:
                units.append([label, n * self.hop, o])
        total = sum(u[1] for u in units)
        wav = np.concatenate([wav, np.zeros(max(0, total - len(wav)), dtype=wav.dtype)])[:total]
        return self._reply(wav, [u[:2] for u in units], exact=True)

    def _reply(self, wav, units: list, exact: bool) -> dict:
        import numpy as np

        pcm = (np.clip(np.asarray(wav, dtype=np.float32), -1, 1) * 32767).astype("<i2")
        return {"ok": True, "sample_rate": self.sample_rate, "pcm": base64.b64encode(pcm.tobytes()).decode(),
                "units": units, "exact": exact}


def serve(model_dir: Path) -> None:
    try:
        voice = Voice(model_dir)
    except Exception as exc:  # reported to the parent, which falls back
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return
    print(json.dumps({"ok": True, "ready": True, "sample_rate": voice.sample_rate}), flush=True)
    for line in sys.stdin:
        try:
            request = json.loads(line)
            reply = voice.speak(str(request["text"]), float(request.get("speed", 1.0)))
        except Exception as exc:
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(reply, ensure_ascii=False), flush=True)


def build_tiny(model_dir: Path) -> None:
    """A randomly initialised, very small VITS with a character vocabulary: proves loading and
    the protocol offline in seconds. It produces noise, not speech."""
    import torch
    from TTS.tts.configs.shared_configs import BaseAudioConfig, CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig
    from TTS.tts.models.vits import Vits

    torch.manual_seed(0)
    args = VitsArgs(hidden_channels=16, hidden_channels_ffn_text_encoder=32, num_heads_text_encoder=1,
                    num_layers_text_encoder=1, num_layers_posterior_encoder=1, num_layers_flow=1,
                    resblock_kernel_sizes_decoder=[3], resblock_dilation_sizes_decoder=[[1, 3, 5]],
                    upsample_initial_channel_decoder=16, use_sdp=False, init_discriminator=False)
    config = VitsConfig(model_args=args, audio=BaseAudioConfig(sample_rate=22050, hop_length=256, win_length=1024,
                                                                fft_size=1024),
                        use_phonemes=False, text_cleaner="no_cleaners", add_blank=True,
                        characters=CharactersConfig(characters_class="TTS.tts.models.vits.VitsCharacters",
                                                    pad="<PAD>", eos="<EOS>", bos="<BOS>", blank="<BLNK>",
                                                    characters=TINY_CHARACTERS, punctuations="，。！？,.!? ",
                                                    phonemes=None, is_unique=True, is_sorted=True))
    model = Vits(config)
    model_dir.mkdir(parents=True, exist_ok=True)
    config.save_json(str(model_dir / "config.json"))
    torch.save({"model": model.state_dict(), "config": config.to_dict()}, model_dir / "model.pth")
    print(json.dumps({"ok": True, "model_dir": str(model_dir)}))


if __name__ == "__main__":
    command, folder = sys.argv[1], Path(sys.argv[2])
    {"serve": serve, "build-tiny": build_tiny}[command](folder)
