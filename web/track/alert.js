// "Your turn": a vibration and a short two-tone beep (WebAudio, no sound files).

let audio = null;

/** Browsers allow sound only after a touch: call this from one. */
export function unlockSound() {
  audio ??= new (window.AudioContext || window.webkitAudioContext)();
  return audio.resume();
}

export function soundReady() {
  return audio?.state === "running";
}

export function alertTurn() {
  navigator.vibrate?.([400, 200, 400, 200, 800]);
  if (!audio) return;
  const start = audio.currentTime;
  for (const [offset, freq] of [[0, 880], [0.35, 1175], [0.7, 880], [1.05, 1175]]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.32);
  }
}
