/**
 * TinyDeploy's window. Projects, model pages, devices and Deploy & Profile come with the app
 * issue; until then the window says what the command line already does.
 */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>TinyDeploy</h1>
      <p>Import a TFLite model, inspect it and evaluate it on the host: see `tinydeploy --help`.</p>
    </main>
  );
}
