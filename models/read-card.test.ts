// Licence cards: rendered 驾驶证 and 行驶证 (rows shuffled, photographed tilted, blurred, noisy,
// JPEG), read by the real engine; fields found by label and validated.
import sharp from 'sharp'
import t from 'tap'
import { OcrEngine } from './engine.ts'
import { interpretCard, parseCardDate, parseLicenceClasses, readCard } from './read-card.ts'
import type { TextLine } from './recognise.ts'
import { renderDrivingLicence, renderVehicleLicence, type DrivingLicenceData, type VehicleLicenceData } from './render-cards.ts'

const TODAY = '2026-11-27'
const driver: DrivingLicenceData = {
  idNumber: '510104199001011230', name: '张三', sex: '男', address: '四川省成都市锦江区红星路三段1号',
  birthDate: '1990-01-01', firstIssued: '2012-05-08', classes: 'C1', validFrom: '2018-05-08', validUntil: '2028-05-08',
}
const vehicle: VehicleLicenceData = {
  plate: '川A12345', vehicleType: '小型轿车', owner: '张三', address: '四川省成都市锦江区红星路三段1号', useCharacter: '非营运',
  model: '大众牌FV7152', vin: 'LFV2A21K6C3012345', engineNo: 'CFB123456', registered: '2019-03-15', issued: '2019-03-15',
}

/** A phone photo of the card: slightly turned, blurred, noisy, JPEG q60. */
async function photo(card: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(card).rotate(3, { background: '#6b6b6b' }).blur(0.8).raw().toBuffer({ resolveWithObject: true })
  let seed = 7
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    data[i] = Math.max(0, Math.min(255, data[i]! + ((seed % 17) - 8)))
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 60 }).toBuffer()
}

const engine = await OcrEngine.create({ workers: 2 })
t.teardown(() => engine.close())

t.test('driving licence, rows in another order, photographed', async (t) => {
  const card = await readCard(engine, await photo(renderDrivingLicence(driver, [3, 0, 6, 1, 5, 2, 4])), TODAY)
  t.equal(card.type, 'driving-licence')
  t.same(card.missing, [])
  const values = Object.fromEntries(Object.entries(card.fields).map(([k, f]) => [k, f.value]))
  t.match(values, {
    idNumber: driver.idNumber, name: driver.name, sex: '男', birthDate: driver.birthDate, firstIssued: driver.firstIssued,
    classes: 'C1', validFrom: driver.validFrom, validUntil: driver.validUntil, address: driver.address,
  })
  t.equal(card.valid, true)
})

t.test('vehicle licence, photographed', async (t) => {
  const card = await readCard(engine, await photo(renderVehicleLicence(vehicle, [6, 4, 0, 2, 5, 1, 3])), TODAY)
  t.equal(card.type, 'vehicle-licence')
  const values = Object.fromEntries(Object.entries(card.fields).map(([k, f]) => [k, f.value]))
  t.match(values, { plate: '川A12345', vehicleType: '小型轿车', owner: '张三', vin: vehicle.vin, registered: '2019-03-15', issued: '2019-03-15' })
  t.equal(card.valid, true)
})

t.test('validation catches a wrong ID check digit, a birth date that disagrees, an unknown class', async (t) => {
  const bad = { ...driver, idNumber: '510104199001011231', classes: 'C7', birthDate: '1990-02-01' }
  const card = await readCard(engine, renderDrivingLicence(bad), TODAY)
  t.equal(card.fields.idNumber?.error, 'ID_CHECKSUM')
  t.equal(card.fields.classes?.error, 'LICENCE_CLASS_INVALID')
  t.equal(card.valid, false)
  const mismatch = await readCard(engine, renderDrivingLicence({ ...driver, birthDate: '1990-02-01' }), TODAY)
  t.equal(mismatch.fields.birthDate?.error, 'BIRTH_DATE_MISMATCH', 'the printed birth date must be the ID\'s')
  const plate = await readCard(engine, renderVehicleLicence({ ...vehicle, plate: 'AB12345', issued: '2018-01-01' }), TODAY)
  t.equal(plate.fields.plate?.error, 'PLATE_PROVINCE')
  t.equal(plate.fields.issued?.error, 'DATE_ORDER', 'issued before registration')
})

t.test('pure parts', async (t) => {
  t.equal(parseCardDate('2018年5月8日'), '2018-05-08')
  t.equal(parseCardDate('2018-02-30'), null)
  t.same(parseLicenceClasses('A2D'), ['A2', 'D'])
  t.same(parseLicenceClasses('C1E'), ['C1', 'E'])
  t.equal(parseLicenceClasses('C7'), null)
  const line = (text: string, x0: number, y: number, x1: number): TextLine => ({
    text, confidence: 0.9, parts: 1, chars: [], quad: [[x0, y], [x1, y], [x1, y + 30], [x0, y + 30]],
  })
  // Labels and values as separate boxes, listed out of order: values are taken from the right, on the row.
  const card = interpretCard([
    line('准驾车型', 50, 300, 150), line('2012-05-08', 260, 200, 400), line('C1', 170, 300, 210),
    line('中华人民共和国机动车驾驶证', 100, 10, 700), line('初次领证日期', 50, 200, 240),
  ], TODAY)
  t.equal(card.fields.classes?.value, 'C1')
  t.equal(card.fields.firstIssued?.value, '2012-05-08')
  t.ok(card.missing.includes('idNumber'))
  t.equal(interpretCard([line('随便一张纸', 0, 0, 100)], TODAY).type, null, 'not a card')
})
