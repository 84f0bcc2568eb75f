#!/usr/bin/env bash
# Regenerates test/fixtures/generated/ from the public fixtures in test/fixtures/dicom/ with Debian's
# dcmtk and ImageMagick (apt-get install dcmtk imagemagick). The outputs are committed; tests never run this.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/generated"
src=../dicom
dcmcjpeg +e1 "$src/MR_small.dcm" MR_small_jpeg_lossless_sv1.dcm   # 1.2.840.10008.1.2.4.70
dcmcjpeg +el "$src/MR_small.dcm" MR_small_jpeg_lossless_p14.dcm   # 1.2.840.10008.1.2.4.57
dcmcjpeg +eb "$src/CT_small.dcm" CT_small_jpeg_baseline.dcm      # 4.50, rescaled to 8 bits by dcmtk
dcmconv +td "$src/MR_small.dcm" MR_small_deflate.dcm               # deflated explicit little endian
dcmconv -F +te "$src/MR_small.dcm" MR_small_raw_explicit.dcm       # no preamble, no meta header
dcmconv -F +ti "$src/MR_small.dcm" MR_small_raw_implicit.dcm
# A three-slice series: copies of CT_small at z = -97.5, -95, -92.5 whose file names run against the
# slice order, so that ordering by position is what puts them right.
for i in 1 2 3; do
  z=$(awk "BEGIN{print -100 + 2.5 * $i}")
  cp "$src/CT_small.dcm" tmp.dcm
  dcmodify -nb -m "(0020,0032)=-158.135803\\-179.035797\\$z" -m "(0020,0013)=$i" \
    -m "(0020,000e)=1.2.826.0.1.3680043.8.498.99" tmp.dcm
  mv tmp.dcm "series_ct_$((4 - i)).dcm"
done
convert -size 48x32 gradient:black-white -depth 8 grey_gradient.png
convert -size 48x32 gradient:red-blue colour_gradient.png
convert -size 48x32 gradient:black-white -quality 95 grey_gradient.jpg
