// The vehicle types the console offers (code → zh-CN name), for the party form and licence cards.
export const VEHICLE_TYPES: Array<[string, string]> = [
  ['small-car', '小型汽车'], ['small-car-automatic', '小型自动挡汽车'], ['large-truck', '大型货车'],
  ['medium-bus', '中型客车'], ['motorcycle', '普通二轮摩托车'], ['e-bike', '电动自行车'], ['pedestrian', '行人'],
]
