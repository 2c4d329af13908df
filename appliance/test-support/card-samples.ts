// Test support: the licences of the demo registry's 张伟 (DEMO_RECORDS.validCar), whose fields pass
// every check on the test clock (TEST_NOW, 2026-11-26); rendered by models/render-cards.ts in tests.
import type { DrivingLicenceData, VehicleLicenceData } from '../../models/render-cards.ts'

export const DRIVER: DrivingLicenceData = {
  idNumber: '510104198503120416', name: '张伟', sex: '男', address: '四川省成都市锦江区红星路三段1号',
  birthDate: '1985-03-12', firstIssued: '2012-05-08', classes: 'C1', validFrom: '2018-05-08', validUntil: '2028-05-08',
}

export const VEHICLE: VehicleLicenceData = {
  plate: '川A12345', vehicleType: '小型轿车', owner: '张伟', address: '四川省成都市锦江区红星路三段1号', useCharacter: '非营运',
  model: '大众牌FV7152', vin: 'LFV2A21K8A3012345', engineNo: 'CSS123456', registered: '2018-05-10', issued: '2018-05-10',
}
