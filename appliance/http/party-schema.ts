// The body that adds or edits a party and their vehicle. Formats are checked here; the plate,
// ID-number and licence-class rules (with zh-CN reasons) are checked by the rules modules.
import { Type } from '@sinclair/typebox'
import { LICENCE_CLASSES, VEHICLE_TYPES } from '../rules/licence-classes.ts'
import { IsoDate, Phone, ShortText } from './schemas.ts'

export const PartyBody = Type.Object({
  name: ShortText(50),
  phone: Phone,
  idNumber: Type.Optional(Type.String({ pattern: '^[0-9]{17}[0-9Xx]$' })),
  licenceNumber: Type.Optional(Type.String({ minLength: 6, maxLength: 32, pattern: '^[0-9A-Za-z]+$' })),
  licenceClasses: Type.Optional(Type.Array(Type.Union(LICENCE_CLASSES.map((c) => Type.Literal(c))), { maxItems: 6, uniqueItems: true })),
  licenceValidUntil: Type.Optional(IsoDate),
  bearsLiability: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  vehicle: Type.Optional(Type.Object({
    vehicleType: Type.Union(Object.keys(VEHICLE_TYPES).map((c) => Type.Literal(c))),
    plate: Type.Optional(Type.String({ maxLength: 16 })),
    plateColour: Type.Optional(Type.Union(['blue', 'yellow', 'green', 'yellow-green', 'white', 'black'].map((c) => Type.Literal(c)))),
    plateSuspectedForged: Type.Optional(Type.Boolean()),
    insurer: Type.Optional(ShortText(50)),
    policyNumber: Type.Optional(ShortText(64)),
  }, { additionalProperties: false })),
}, { additionalProperties: false })
