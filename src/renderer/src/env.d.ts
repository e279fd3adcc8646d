// Vite's client types: CSS imports (bundled by Vite) and import.meta.env in the renderer.
/// <reference types="vite/client" />
