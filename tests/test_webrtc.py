"""WebRTC preview: an aiortc client receives the show's video and audio over POST /offer."""
import asyncio
import json
import urllib.request

import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from live_show import ShowThread


async def receive(base_url: str, frames: int = 30):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver("video", direction="recvonly")
    pc.addTransceiver("audio", direction="recvonly")
    tracks = {}
    pc.on("track", lambda track: tracks.__setitem__(track.kind, track))
    await pc.setLocalDescription(await pc.createOffer())

    def post() -> dict:
        body = json.dumps({"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}).encode()
        request = urllib.request.Request(base_url + "/offer", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.loads(response.read())

    answer = await asyncio.to_thread(post)
    await pc.setRemoteDescription(RTCSessionDescription(**answer))
    try:
        video = [await asyncio.wait_for(tracks["video"].recv(), 20) for _ in range(frames)]
        audio = [await asyncio.wait_for(tracks["audio"].recv(), 20) for _ in range(frames * 2)]
    finally:
        await pc.close()
    return video, audio


def test_two_aiortc_viewers_decode_the_show(tmp_path):
    with ShowThread(tmp_path) as running:
        async def both():
            return await asyncio.gather(receive(running.base_url), receive(running.base_url))
        results = asyncio.run(both())
        status, metrics = running.request("GET", "/metrics", token=None)
        bad_status, bad = running.request("POST", "/offer", {"type": "offer", "sdp": "nonsense"}, token=None)
    assert bad_status == 400 and "expected" in bad["error"]
    assert status == 200
    for video, audio in results:
        picture = video[-1].to_ndarray(format="rgb24")
        assert picture.shape[0] >= 300 and picture.shape[1] >= 600
        assert picture.std() > 20, "decoded frame is blank"
        assert len(np.unique(picture.reshape(-1, 3)[::97], axis=0)) > 20
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in audio])
        assert samples.size > 0.5 * 48000 * len(audio) / 50
        assert np.abs(samples.astype(np.int32)).max() > 1000, "no audible audio (the host greets at once)"
    assert "livehost_webrtc_peers" in metrics and "livehost_fps" in metrics
