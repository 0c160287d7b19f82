/** The serializers tried in order for every non-JSON argument value. */
import { bigintSerializer } from './bigint';
import { dateSerializer } from './date';
import { mapSerializer } from './map';
import { recordSerializer } from './record';
import type { Serializer } from './serializer';
import { setSerializer } from './set';
import { undefinedSerializer } from './undefined';

export const serializers: readonly Serializer<any>[] = [
  recordSerializer,
  dateSerializer,
  bigintSerializer,
  mapSerializer,
  setSerializer,
  undefinedSerializer,
];
