export interface ReleaseDto {
  id: string;
  version: number;
  buildId: string | null;
  imageRef: string;
  imageDigest: string;
  status: string;
  statusReason: string | null;
  createdAt: string;
  liveAt: string | null;
  replicas: number;
  cpuMillicores: number;
  memoryMib: number;
}
