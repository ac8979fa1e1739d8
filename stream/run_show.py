"""Build and run the live show from a ShowConfig (used by `livehost run`)."""
from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Callable

from script.catalog import Catalog
from speech.types import SpeechEngine
from speech.cache import default_tts_cache_dir
from speech.voice import VoiceSettings, make_engine

from .chat_sources import register_secrets
from .catalog_file import default_catalog, load_catalog_file, log_warnings
from .cpu_load import slowdown as cpu_slowdown
from .jsonlog import SECRETS, use_json_logs
from .live import LiveConfig, LiveShow
from .outputs import _stream_key
from .persona_bundle import PersonaBundle, load_persona
from .preflight import check_machine, check_voice, warn_if_exposed
from .show import ShowProducer
from .show_config import ShowConfig
from .supervisor import SupervisedSpeech, cover_restarts

log = logging.getLogger("livehost")


def supervised_engine_factory(timeout_s: float) -> Callable[[VoiceSettings], SpeechEngine]:
    def build(voice: VoiceSettings) -> SupervisedSpeech:
        def fresh() -> SpeechEngine:
            engine = make_engine(voice, cache_dir=default_tts_cache_dir(), reserve_memory=True)
            engine.load()
            return engine
        return SupervisedSpeech(fresh, timeout_s)
    return build


def build_producer(catalog: Catalog, persona: PersonaBundle, engine_for: Callable, first_frame: int = 0) -> ShowProducer:
    engine = engine_for(persona.voice)
    producer = ShowProducer(catalog, persona, engine, first_frame=first_frame, synthesize_in_background=True,
                            machine_load=cpu_slowdown)
    cover_restarts(engine, lambda: producer)
    return producer


def live_config(config: ShowConfig, chat_token: str | None = None) -> LiveConfig:
    return LiveConfig(outputs=list(config.outputs), chat_host=config.chat_host, chat_port=config.chat_port,
                      chat_limits=config.chat_limits, chat_token=chat_token,
                      chat_sources=config.chat_sources, chat_record=config.chat_record,
                      view_host=config.view_host, view_port=config.view_port, live_view=config.live_view,
                      max_seconds=config.seconds, console=config.console, console_host=config.console_host,
                      console_allowed_hosts=config.console_allowed_hosts,
                      console_port=config.console_port, console_token_file=config.console_token_file,
                      state_dir=config.state_dir, stall_s=config.stall_s, catalog_path=config.catalog)


def run_show(config: ShowConfig, producer: ShowProducer | None = None,
             rebuild: Callable[[ShowProducer], ShowProducer] | None = None,
             engine_for: Callable | None = None) -> int:
    """Run until stopped. Without a producer, the plain show of `config` (catalog and persona)."""
    if config.log_format == "json":
        use_json_logs()
    for url in config.rtmp_urls:
        SECRETS.add(_stream_key(url))
    register_secrets(config.chat_sources)
    token = check_machine(config)
    warn_if_exposed(config, token is not None)
    if engine_for is None and producer is None:
        check_voice(config.persona)
    engine_for = engine_for or supervised_engine_factory(config.speech_timeout_s)
    if producer is None:
        catalog = load_catalog_file(config.catalog) if config.catalog else default_catalog()
        log_warnings(catalog)
        producer = build_producer(catalog, load_persona(config.persona), engine_for)
    if rebuild is None:
        def rebuild(old: ShowProducer) -> ShowProducer:
            # A stuck stage is replaced by a fresh producer on the same catalog and persona.
            return build_producer(old.catalog, old.persona, engine_for, first_frame=old.frame_index)

    return asyncio.run(_run_live(LiveShow(producer, live_config(config, token), rebuild=rebuild, make_engine=engine_for),
                                 config))


async def _run_live(show: LiveShow, config: ShowConfig) -> int:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, show.stop)
    task = asyncio.create_task(show.run())
    ready = asyncio.create_task(show.ready.wait())
    await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if show.ready.is_set():
        print("livehost is live (AI host; Ctrl-C stops the show cleanly)")
        if config.live_view:
            print(f"  watch:  ffplay {show.view.url}   (or open it in VLC; page: "
                  f"http://{config.view_host}:{show.view.port}/)")
        print(f"  chat:   {show.chat.url}  (send JSON chat events, e.g. "
              '{"type": "comment", "user": "u1", "text": "这个茶多少钱?"})')
        for source, spec in show.chat_sources:
            if spec is not None:
                receiver = getattr(source, "receiver", None)
                print(f"  chat:   {source.name}" + (f" (receiving at {receiver.url})" if receiver else ""))
        if show.console is not None and show.console_token is not None:
            print(f"  console: {show.console.url}  (token: {show.console_token.source}; "
                  f"WebRTC preview: {show.console.http.base_url}/viewer; metrics: {show.console.http.base_url}/metrics)")
        rtmp = [o.name for o in config.outputs if o.format == "flv"]
        print(f"  rtmp:   {', '.join(rtmp) if rtmp else 'off (set LIVEHOST_RTMP_URL to push to a platform)'}")
        for name in show.active_outputs:
            print(f"  output: {name}")
        sys.stdout.flush()
    await task
    ready.cancel()
    failed = [o.name for o in config.outputs if o.name not in show.active_outputs]
    if failed:
        print(f"livehost: outputs failed during the show: {', '.join(failed)} (see the log)", file=sys.stderr)
    return 1 if failed else 0
