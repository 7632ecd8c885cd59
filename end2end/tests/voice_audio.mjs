// Shared by the voice specs: the WAVs Chromium's fake microphone plays (a tone stands for
// speech, silence for a quiet room) and the browser settings that play them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A mono 16-bit 48 kHz WAV of a 440 Hz tone at `amplitude` (0 = silence). */
export function writeWav(file, seconds, amplitude) {
  const rate = 48_000;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

export const TONE = path.join(os.tmpdir(), 'cyoa-voice-tone.wav');
export const SILENCE = path.join(os.tmpdir(), 'cyoa-voice-silence.wav');
writeWav(TONE, 2, 0.3);
writeWav(SILENCE, 2, 0);

const BROWSER_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
];
export const microphonePlaying = (file) => ({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [...BROWSER_ARGS, `--use-file-for-fake-audio-capture=${file}`],
  },
});
/** A browser without speech recognition of its own (like Firefox). */
export const withoutSpeechRecognition = () => {
  delete window.SpeechRecognition;
  delete window.webkitSpeechRecognition;
};
export const SIM_WORDS = 'A little fox who wants to find the moon';

