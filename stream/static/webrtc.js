// WebRTC preview: receive the show's video and audio from POST /offer on this server.
"use strict";
async function startPreview(video, onState) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const stream = new MediaStream();
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.addTransceiver("audio", { direction: "recvonly" });
  pc.ontrack = (event) => { stream.addTrack(event.track); video.srcObject = stream; };
  pc.onconnectionstatechange = () => onState && onState(pc.connectionState);
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    const done = () => { if (pc.iceGatheringState === "complete") resolve(); };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 2000);  // host candidates are enough on a local network
  });
  // From this machine no token is needed; from elsewhere, the one entered on the console page.
  const token = sessionStorage.getItem("livehost-token");
  const headers = { "Content-Type": "application/json" };
  if (token) headers["Authorization"] = "Bearer " + token;
  const response = await fetch("/offer", {
    method: "POST", headers,
    body: JSON.stringify({ sdp: pc.localDescription.sdp, type: pc.localDescription.type }),
  });
  if (!response.ok) throw new Error("offer refused: " + (await response.text()));
  await pc.setRemoteDescription(await response.json());
  return pc;
}
