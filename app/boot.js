// Starts the app. A file rather than the inline script Trunk writes by default, so the page's
// Content-Security-Policy (index.html) allows scripts of its own origin only, with no hash to
// keep in step with every build. The script tag names the hashed glue and wasm files.
const tag = document.querySelector('script[data-wasm]');
const bindings = await import(tag.dataset.js);
await bindings.default({ module_or_path: tag.dataset.wasm });
// The app's exports (such as debugPanic), where Trunk's own start script puts them.
window.wasmBindings = bindings;
