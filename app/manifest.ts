import type { MetadataRoute } from "next";

// The web app manifest (served at /manifest.webmanifest): the console installs as an app with its own icon.
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "Atrium",
    short_name: "Atrium",
    description: "The console of your mini-program ecosystem",
    start_url: "/o",
    scope: "/",
    display: "standalone",
    background_color: "#f7f8fa",
    theme_color: "#2f5bea",
    icons: [
      { src: "/icon.svg", type: "image/svg+xml", sizes: "any" },
      { src: "/icon-192.png", type: "image/png", sizes: "192x192" },
      { src: "/icon-512.png", type: "image/png", sizes: "512x512" },
      { src: "/icon-maskable-512.png", type: "image/png", sizes: "512x512", purpose: "maskable" },
    ],
  };
}
