/** A service as ipvsadm spells it (`-t 10.116.0.200:80`, `-f 7 -6`), for comments and messages. */
import { serviceSwitch } from '../ipvs/rulesRenderer';
import type { IpvsService } from '../ipvs/types';

export function ipvsServiceLabel(service: IpvsService): string {
  return serviceSwitch(service.key);
}
