// Test support: renders a driving licence (驾驶证) and a vehicle licence (行驶证) main page with
// @napi-rs/canvas and Noto Sans CJK, fields in label–value rows. `order` shuffles the rows, so
// tests prove the reader finds fields by their labels, not by line order.
import { createCanvas } from '@napi-rs/canvas'
import { ensureFont } from './render-plates.ts'

export interface DrivingLicenceData {
  idNumber: string
  name: string
  sex: '男' | '女'
  address: string
  birthDate: string
  firstIssued: string
  classes: string
  validFrom: string
  validUntil: string
}

export interface VehicleLicenceData {
  plate: string
  vehicleType: string
  owner: string
  address: string
  useCharacter: string
  model: string
  vin: string
  engineNo: string
  registered: string
  issued: string
}

type Row = Array<[label: string, value: string]>

function renderCard(title: string, rows: Row[], order: readonly number[] | undefined, tint: string): Buffer {
  const family = ensureFont()
  const W = 960
  const H = 640
  const canvas = createCanvas(W, H)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#6b6b6b' // the table the card lies on
  ctx.fillRect(0, 0, W, H)
  ctx.fillStyle = tint
  ctx.beginPath()
  ctx.roundRect(30, 30, W - 60, H - 60, 24)
  ctx.fill()
  ctx.fillStyle = '#1d1d1d'
  ctx.textBaseline = 'middle'
  ctx.font = `bold 34px "${family}"`
  ctx.textAlign = 'center'
  ctx.fillText(title, W / 2, 80)
  ctx.textAlign = 'left'
  const rowH = (H - 170) / rows.length
  const sequence = order ?? rows.map((_, i) => i)
  sequence.forEach((ri, k) => {
    const y = 140 + k * rowH + rowH / 2
    let x = 70
    for (const [label, value] of rows[ri] ?? []) {
      ctx.font = `26px "${family}"`
      ctx.fillStyle = '#3a3a3a'
      ctx.fillText(label, x, y)
      x += ctx.measureText(label).width + 22
      ctx.font = `bold 28px "${family}"`
      ctx.fillStyle = '#111111'
      ctx.fillText(value, x, y)
      x += ctx.measureText(value).width + 60
    }
  })
  return canvas.toBuffer('image/jpeg', 88)
}

export function renderDrivingLicence(d: DrivingLicenceData, order?: readonly number[]): Buffer {
  return renderCard('中华人民共和国机动车驾驶证', [
    [['证号', d.idNumber]],
    [['姓名', d.name], ['性别', d.sex], ['国籍', '中国']],
    [['住址', d.address]],
    [['出生日期', d.birthDate]],
    [['初次领证日期', d.firstIssued]],
    [['准驾车型', d.classes]],
    [['有效期限', `${d.validFrom}至${d.validUntil}`]],
  ], order, '#e9eef6')
}

export function renderVehicleLicence(d: VehicleLicenceData, order?: readonly number[]): Buffer {
  return renderCard('中华人民共和国机动车行驶证', [
    [['号牌号码', d.plate], ['车辆类型', d.vehicleType]],
    [['所有人', d.owner]],
    [['住址', d.address]],
    [['使用性质', d.useCharacter], ['品牌型号', d.model]],
    [['车辆识别代号', d.vin]],
    [['发动机号码', d.engineNo]],
    [['注册日期', d.registered], ['发证日期', d.issued]],
  ], order, '#eef3ea')
}
