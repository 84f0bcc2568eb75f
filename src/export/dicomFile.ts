/** A DICOM Part 10 file from a naturalised dcmjs dataset: file meta (explicit VR little endian) + data set. */
import dcmjs from 'dcmjs';

const EXPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Tuwen's implementation class UID (a fixed 2.25 UUID-derived value). */
const IMPLEMENTATION_UID = '2.25.152852067151208463372349453935330417012';

export function dicomFile(dataset: Record<string, unknown> & { SOPClassUID: string; SOPInstanceUID: string }): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_UID,
    ImplementationVersionName: 'TUWEN_0_1',
  };
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}
