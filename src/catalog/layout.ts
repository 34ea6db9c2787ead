/**
 * The citations catalog's stored layout (stored-layout.ts explains the layout), under the names
 * the modern API and the web page use. Layers that serve any data set take `catalog.layout`.
 */
import { CITATIONS } from './citations.ts';

export { layoutMarker, NOTHING, publicId, storedId, type FieldText, type StoredAttribute, type StoredDoc, type StoredLayout } from './stored-layout.ts';
export { MISSING, type Group, type Slot } from './group-codes.ts';

export const { encode, decode, attributesFor, needsValues, usualValues, lower, facetAttributesFor, foldFacets, facetSearchable, lowerSort, storedAttributes } =
  CITATIONS.layout;
/** The citations layout's group codes. */
export const GROUPS = CITATIONS.groups;
/** The group and slot of each packed citations field. */
export const SLOT_OF = CITATIONS.slotOf;
