// Draws a face on a 2D canvas from the 68 ARKit-style channels (names from /app/channels.json).

const skin = "#f1c9a5", skinShade = "#d9a985", lip = "#c45c66", hair = "#3a2a22", iris = "#3f6fa8";

export class FaceRenderer {
  constructor(canvas, names) {
    this.canvas = canvas;
    this.g = canvas.getContext("2d");
    this.index = Object.fromEntries(names.map((n, i) => [n, i]));
    this.values = new Float32Array(names.length);
  }

  /// The channel `name`, 0 when absent, clamped to [-1, 1].
  v(name) {
    const i = this.index[name];
    if (i === undefined) return 0;
    const x = this.values[i];
    return Number.isFinite(x) ? Math.max(-1, Math.min(1, x)) : 0;
  }

  both(left, right) { return (this.v(left) + this.v(right)) / 2; }

  draw(values) {
    if (values) this.values = values;
    const g = this.g, w = this.canvas.width, h = this.canvas.height, cx = w / 2;
    const jaw = Math.max(0, this.v("JawOpen"));
    const jawSide = this.v("JawLeft") - this.v("JawRight");
    g.clearRect(0, 0, w, h);

    // Hair behind, neck, head (the chin follows the jaw).
    g.fillStyle = hair;
    g.beginPath(); g.ellipse(cx, 205, 150, 165, 0, Math.PI, 2 * Math.PI); g.fill();
    g.fillStyle = skinShade;
    g.fillRect(cx - 45, 380, 90, 120);
    const chin = 420 + jaw * 26;
    g.fillStyle = skin;
    g.beginPath();
    g.moveTo(cx - 140, 210);
    g.bezierCurveTo(cx - 140, 70, cx + 140, 70, cx + 140, 210);
    g.bezierCurveTo(cx + 138, 320, cx + 70 + jawSide * 8, chin, cx + jawSide * 10, chin);
    g.bezierCurveTo(cx - 70 + jawSide * 8, chin, cx - 138, 320, cx - 140, 210);
    g.fill();
    // Ears and a fringe.
    g.beginPath(); g.ellipse(cx - 142, 230, 16, 30, 0, 0, 2 * Math.PI); g.fill();
    g.beginPath(); g.ellipse(cx + 142, 230, 16, 30, 0, 0, 2 * Math.PI); g.fill();
    g.fillStyle = hair;
    g.beginPath(); g.moveTo(cx - 140, 170); g.bezierCurveTo(cx - 100, 95, cx + 60, 90, cx + 140, 165);
    g.bezierCurveTo(cx + 120, 110, cx - 110, 80, cx - 140, 170); g.fill();

    // Cheeks: puff and squint, warmer when happy.
    const happy = this.v("Happy");
    for (const [side, s] of [["Left", -1], ["Right", 1]]) {
      const squint = this.v("CheekSquint" + side);
      g.fillStyle = `rgba(226, 110, 110, ${0.12 + 0.3 * squint + 0.15 * happy})`;
      g.beginPath(); g.ellipse(cx + s * 88, 318, 30 + 12 * this.v("CheekPuff"), 18, 0, 0, 2 * Math.PI); g.fill();
    }

    this.eyes(cx);
    this.brows(cx);

    // Nose.
    g.strokeStyle = skinShade; g.lineWidth = 3; g.lineCap = "round";
    g.beginPath(); g.moveTo(cx - 4, 245); g.quadraticCurveTo(cx - 16, 300, cx - 2, 308); g.stroke();
    const sneer = this.both("NoseSneerLeft", "NoseSneerRight");
    g.beginPath(); g.moveTo(cx - 18, 306 - sneer * 6); g.quadraticCurveTo(cx, 316, cx + 18, 306 - sneer * 6); g.stroke();

    this.mouth(cx, jaw, jawSide);
  }

  eyes(cx) {
    const g = this.g;
    for (const [side, s] of [["Left", -1], ["Right", 1]]) {
      const x = cx + s * 62, y = 228;
      const wide = this.v("EyeWide" + side), squint = this.v("EyeSquint" + side);
      const rx = 27, ry = 15 * (1 + 0.45 * wide - 0.3 * squint);
      const blink = Math.max(0, Math.min(1, this.v("EyeBlink" + side)));
      const lookX = (this.v("EyeLookOut" + side) - this.v("EyeLookIn" + side)) * s * 9;
      const lookY = (this.v("EyeLookDown" + side) - this.v("EyeLookUp" + side)) * 6;
      g.save();
      g.beginPath(); g.ellipse(x, y, rx, ry, 0, 0, 2 * Math.PI); g.clip();
      g.fillStyle = "#fbfbfb"; g.fillRect(x - rx, y - ry, 2 * rx, 2 * ry);
      g.fillStyle = iris; g.beginPath(); g.arc(x + lookX, y + lookY, 10, 0, 2 * Math.PI); g.fill();
      g.fillStyle = "#111"; g.beginPath(); g.arc(x + lookX, y + lookY, 4.5, 0, 2 * Math.PI); g.fill();
      g.fillStyle = skin; g.fillRect(x - rx, y - ry, 2 * rx, 2 * ry * blink);
      g.restore();
      g.strokeStyle = "#5a4033"; g.lineWidth = 2.5;
      g.beginPath(); g.ellipse(x, y, rx, ry, 0, Math.PI, 2 * Math.PI); g.stroke();
    }
  }

  brows(cx) {
    const g = this.g, inner = this.v("BrowInnerUp");
    g.strokeStyle = hair; g.lineWidth = 7; g.lineCap = "round";
    for (const [side, s] of [["Left", -1], ["Right", 1]]) {
      const down = this.v("BrowDown" + side), outer = this.v("BrowOuterUp" + side);
      const yInner = 196 - 16 * inner + 10 * down, yOuter = 192 - 16 * outer + 4 * down;
      g.beginPath();
      g.moveTo(cx + s * 30, yInner);
      g.quadraticCurveTo(cx + s * 62, Math.min(yInner, yOuter) - 10, cx + s * 94, yOuter + 6);
      g.stroke();
    }
  }

  mouth(cx, jaw, jawSide) {
    const g = this.g;
    const smile = this.both("MouthSmileLeft", "MouthSmileRight"), frown = this.both("MouthFrownLeft", "MouthFrownRight");
    const stretch = this.both("MouthStretchLeft", "MouthStretchRight"), pucker = this.v("MouthPucker"), funnel = this.v("MouthFunnel");
    const lowerDown = this.both("MouthLowerDownLeft", "MouthLowerDownRight"), upperUp = this.both("MouthUpperUpLeft", "MouthUpperUpRight");
    const close = this.v("MouthClose"), press = this.both("MouthPressLeft", "MouthPressRight");
    const shift = (this.v("MouthLeft") - this.v("MouthRight")) * 10 + jawSide * 6;
    const y = 360 + jaw * 10;
    const half = 50 * (1 + 0.35 * stretch + 0.25 * smile - 0.45 * pucker - 0.3 * funnel);
    const open = Math.max(0, jaw * 64 + lowerDown * 14 + upperUp * 8 - close * 60 - press * 8);
    const upper = y - 4 - upperUp * 10 - funnel * 5;
    const lower = upper + 4 + open;
    const corner = y + open * 0.3 - smile * 16 + frown * 12;
    const left = cx - half + shift, right = cx + half + shift;

    // The mouth's inside, then teeth, then lips over it.
    g.fillStyle = "#5b1f26";
    g.beginPath();
    g.moveTo(left, corner);
    g.quadraticCurveTo(cx + shift, upper - 2, right, corner);
    g.quadraticCurveTo(cx + shift, lower + 6, left, corner);
    g.fill();
    if (open > 5) {
      g.save(); g.clip();
      g.fillStyle = "#f7f4ee"; g.fillRect(left, upper - 4, right - left, Math.min(12, open * 0.35) + 4);
      g.restore();
    }
    g.strokeStyle = lip; g.lineCap = "round"; g.lineJoin = "round";
    g.lineWidth = 7 + 4 * pucker + 3 * funnel - 2 * this.v("MouthRollUpper");
    g.beginPath(); g.moveTo(left, corner); g.quadraticCurveTo(cx + shift, upper - 8 - 6 * pucker, right, corner); g.stroke();
    g.lineWidth = 9 + 4 * pucker + 3 * funnel - 3 * this.v("MouthRollLower");
    g.beginPath(); g.moveTo(left, corner); g.quadraticCurveTo(cx + shift, lower + 10 + 4 * funnel, right, corner); g.stroke();
  }
}
