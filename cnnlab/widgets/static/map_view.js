// The front end of cnnlab.widgets.map_view.MapView: a map drawn on a canvas from its pixels.
// The kernel sends the picture's palette indices (or RGB values) with the palette; here they
// are looked up and put on the canvas at once, in the same task as the message. Nothing is
// decoded or inflated (both wait for the browser's other tasks: 5-25 ms measured), so the
// new picture is on screen in the first frame after the message.
function bytesOf(view) {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "cnnlab-map-canvas";
  el.appendChild(canvas);
  function draw() {
    const rows = model.get("rows");
    const cols = model.get("cols");
    const data = model.get("data");
    if (!rows || !cols || !data || !data.byteLength) return;
    const pixels = bytesOf(data);
    const channels = model.get("channels");
    const pal = model.get("palette");
    const lut = pal && pal.byteLength ? bytesOf(pal) : null;
    const image = new ImageData(cols, rows);
    const out = image.data;
    const n = rows * cols;
    if (channels === 1) {
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        const k = 3 * pixels[i];
        out[j] = lut[k];
        out[j + 1] = lut[k + 1];
        out[j + 2] = lut[k + 2];
        out[j + 3] = 255;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        out[j] = pixels[3 * i];
        out[j + 1] = pixels[3 * i + 1];
        out[j + 2] = pixels[3 * i + 2];
        out[j + 3] = 255;
      }
    }
    if (canvas.width !== cols || canvas.height !== rows) {
      canvas.width = cols;
      canvas.height = rows;
    }
    canvas.getContext("2d").putImageData(image, 0, 0);
    el.dataset.drawn = String(model.get("serial"));
  }

  model.on("change:serial", draw);
  draw();
}

export default { render };
