/**
 * The summary as a DICOM Basic Text SR (PS3.3 A.35.1), written with dcmjs: it joins the input's study
 * (same Study Instance UID and patient) as a new SR series, with one TEXT item "Impression" holding the
 * summary, and a TEXT item "Comment" for each note on it (what was read from the image, not the text). UTF-8 (ISO_IR 192) for the Chinese text; marked UNVERIFIED — a machine wrote it.
 */
import { dicomFile } from './dicomFile.ts';

export const BASIC_TEXT_SR = '1.2.840.10008.5.1.4.1.1.88.11';

export interface SrInput {
  summary: string;
  /** From the source image; a new study UID is made when it has none (a PNG, say). */
  studyInstanceUid?: string;
  studyDate?: string;
  patient: { name?: string; id?: string; birthDate?: string; sex?: string };
  /** Who wrote it, e.g. "Tuwen retrieval model (synthetic training data)". */
  observer: string;
  /** Notes on the impression, each its own Comment item after it. */
  comments?: readonly string[];
  now?: Date;
  /** Source of new UIDs (tests pass a fixed one). */
  newUid?: () => string;
}

/** A fresh UID under 2.25 from 128 random bits. */
export function randomUid(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const value = bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
  return `2.25.${value === 0n ? 1n : value}`;
}

const code = (value: string, scheme: string, meaning: string) => [{ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning }];

export function basicTextSr(input: SrInput): Uint8Array {
  const newUid = input.newUid ?? randomUid;
  const now = input.now ?? new Date();
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  const time = now.toISOString().slice(11, 19).replaceAll(':', '');
  const sopInstanceUid = newUid();
  const dataset = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: BASIC_TEXT_SR,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: input.studyDate ?? date,
    StudyTime: input.studyInstanceUid ? '' : time,
    ContentDate: date,
    ContentTime: time,
    AccessionNumber: '',
    Modality: 'SR',
    Manufacturer: 'Tuwen',
    ReferringPhysicianName: '',
    SeriesDescription: 'Tuwen summary',
    ReferencedPerformedProcedureStepSequence: [],
    PatientName: input.patient.name ?? '',
    PatientID: input.patient.id ?? '',
    PatientBirthDate: input.patient.birthDate ?? '',
    PatientSex: input.patient.sex ?? '',
    StudyInstanceUID: input.studyInstanceUid ?? newUid(),
    SeriesInstanceUID: newUid(),
    StudyID: '',
    SeriesNumber: '901',
    InstanceNumber: '1',
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: code('18782-3', 'LN', 'Radiology Study observation (narrative)'),
    ContinuityOfContent: 'SEPARATE',
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    PerformedProcedureCodeSequence: [],
    ContentSequence: [
      {
        RelationshipType: 'HAS OBS CONTEXT',
        ValueType: 'TEXT',
        ConceptNameCodeSequence: code('121008', 'DCM', 'Person Observer Name'),
        TextValue: input.observer,
      },
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'TEXT',
        ConceptNameCodeSequence: code('121073', 'DCM', 'Impression'),
        TextValue: input.summary,
      },
      ...(input.comments ?? []).map((text) => ({
        RelationshipType: 'CONTAINS',
        ValueType: 'TEXT',
        ConceptNameCodeSequence: code('121106', 'DCM', 'Comment'),
        TextValue: text,
      })),
    ],
  };
  return dicomFile(dataset);
}
