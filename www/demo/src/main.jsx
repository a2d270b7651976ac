// Entry: instantiate the wasm module once, then render the page.
import { createRoot } from 'react-dom/client';
import init from 'permeval';

import { App } from './App.jsx';
import './styles.css';

const root = createRoot(document.getElementById('root'));
init().then(
  () => root.render(<App />),
  (error) => root.render(<p className="load-error">Could not start permeval: {String(error)}</p>),
);
