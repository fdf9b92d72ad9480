#!/usr/bin/env bash
# Rebuilds the raster icons in public/ from public/icon.svg (ImageMagick). Run after changing the logo.
set -euo pipefail
cd "$(dirname "$0")/../public"
# iOS paints transparency black and rounds the corners itself: a full-bleed square.
convert -background "#2f5bea" -density 384 icon.svg -resize 180x180 -flatten -strip -depth 8 apple-touch-icon.png
convert -background none -density 384 icon.svg -resize 192x192 -strip -depth 8 icon-192.png
convert -background none -density 768 icon.svg -resize 512x512 -strip -depth 8 icon-512.png
# A maskable icon keeps the mark inside the safe zone (80 %) on a full-bleed background.
convert -background none -density 384 icon.svg -resize 384x384 -background "#2f5bea" -gravity center -extent 512x512 -strip -depth 8 icon-maskable-512.png
convert -background none -density 384 icon.svg -define icon:auto-resize=48,32,16 favicon.ico
