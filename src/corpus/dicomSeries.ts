/**
 * A study as a real DICOM series: one CT Image Storage file per slice (Explicit VR Little Endian),
 * written with dcmjs. Every value, UIDs and dates included, follows from the seed: same seed, same bytes.
 */
import { dicomFile } from '../export/dicomFile.ts';
import { pixelToMm, RESCALE_INTERCEPT } from './render.ts';
import type { Study } from './study.ts';
import { uid } from './uid.ts';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** YYYYMMDD, `days` after 2025-01-01. */
function dicomDate(days: number, yearsBack = 0): string {
  const d = new Date(Date.UTC(2025 - yearsBack, 0, 1) + days * 86_400_000);
  return d.toISOString().slice(0, 10).replaceAll('-', '');
}

export function writeSeries(study: Study, seed: number, index: number): { name: string; bytes: Uint8Array }[] {
  const p = study.phantom;
  const n = p.size;
  const studyUid = uid(seed, index, 1);
  const seriesUid = uid(seed, index, 2);
  const frameUid = uid(seed, index, 3);
  const day = index % 365;
  const x0 = pixelToMm(p, 0);
  return p.sliceZ.map((z, k) => {
    const pixels = new Uint16Array(study.stored.buffer, k * n * n * 2, n * n).slice();
    const dataset = {
      SpecificCharacterSet: 'ISO_IR 100',
      ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
      SOPClassUID: CT_IMAGE_STORAGE,
      SOPInstanceUID: uid(seed, index, 100 + k),
      StudyDate: dicomDate(day),
      SeriesDate: dicomDate(day),
      StudyTime: '090000',
      SeriesTime: '090000',
      AccessionNumber: '',
      Modality: 'CT',
      Manufacturer: 'Tuwen synthetic phantom',
      ReferringPhysicianName: '',
      StudyDescription: 'CHEST CT (synthetic)',
      SeriesDescription: 'AXIAL LUNG',
      // An unpaired body part: with it stated, Laterality (type 2C) is rightly absent.
      BodyPartExamined: 'CHEST',
      PatientName: `Synthetic^${study.id}`,
      PatientID: study.id,
      PatientBirthDate: dicomDate(day, study.patient.age),
      PatientSex: study.patient.sex,
      PatientAge: `${String(study.patient.age).padStart(3, '0')}Y`,
      SliceThickness: p.sliceMm.toFixed(3),
      KVP: '120',
      PatientPosition: 'HFS',
      StudyInstanceUID: studyUid,
      SeriesInstanceUID: seriesUid,
      StudyID: '1',
      SeriesNumber: '1',
      AcquisitionNumber: '1',
      InstanceNumber: String(k + 1),
      ImagePositionPatient: [x0.toFixed(4), x0.toFixed(4), z.toFixed(4)],
      ImageOrientationPatient: ['1', '0', '0', '0', '1', '0'],
      FrameOfReferenceUID: frameUid,
      PositionReferenceIndicator: '',
      SliceLocation: z.toFixed(4),
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: n,
      Columns: n,
      PixelSpacing: [p.spacingMm.toFixed(6), p.spacingMm.toFixed(6)],
      BitsAllocated: 16,
      BitsStored: 12,
      HighBit: 11,
      PixelRepresentation: 0,
      WindowCenter: '-600',
      WindowWidth: '1500',
      RescaleIntercept: String(RESCALE_INTERCEPT),
      RescaleSlope: '1',
      RescaleType: 'HU',
      PixelData: [pixels.buffer],
      _vrMap: { PixelData: 'OW' },
    };
    return { name: `IM${String(k + 1).padStart(4, '0')}.dcm`, bytes: dicomFile(dataset) };
  });
}
