import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Relative asset URLs so the app works under any prefix the server mounts it at.
export default defineConfig({
  base: './',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
