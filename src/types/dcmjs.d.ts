// The part of dcmjs Tuwen uses (the package ships no type declarations).
declare module 'dcmjs' {
  type Denaturalized = Record<string, { vr: string; Value: unknown[] }>;
  export const data: {
    DicomDict: new (meta: Denaturalized) => { dict: Denaturalized; write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer };
    DicomMetaDictionary: {
      denaturalizeDataset(dataset: Record<string, unknown>): Denaturalized;
      naturalizeDataset(dataset: Denaturalized): Record<string, unknown>;
    };
    DicomMessage: { readFile(buffer: ArrayBuffer): { meta: Denaturalized; dict: Denaturalized } };
  };
  const dcmjs: { data: typeof data };
  export default dcmjs;
}
