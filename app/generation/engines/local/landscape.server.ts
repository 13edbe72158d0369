/**
 * The scene the local engine composes when the prompt names things it can
 * draw (words.server.ts reads them): a sky by the time of day, sun or moon,
 * stars, clouds, mountain ridges, sea with reflections, forest, a city
 * skyline with lit windows, fields, dunes, flowers, snow and a stylised
 * head-and-shoulders figure, as one SVG of simple shapes. Colour and mood
 * words tint it. Every random choice comes from the seeded `random`.
 */
import type { ColourName, PromptReading, TimeOfDay } from './words.server'
import { between, hsl, type Random } from './raw.server'

type Hsl = [number, number, number]
/** How strongly a colour word tints a part of the picture. */
type Role = 'sky' | 'water' | 'land' | 'accent' | 'none'

const COLOURS: Record<ColourName, Hsl> = {
  red: [356, 82, 50],
  orange: [26, 92, 55],
  yellow: [50, 95, 58],
  gold: [43, 88, 55],
  green: [125, 55, 42],
  turquoise: [175, 65, 45],
  blue: [222, 75, 48],
  lightblue: [200, 80, 70],
  purple: [278, 55, 50],
  pink: [330, 78, 72],
  brown: [25, 45, 32],
  black: [230, 20, 8],
  white: [210, 20, 96],
  grey: [220, 8, 55],
  silver: [210, 12, 78],
}
const NEUTRAL: readonly ColourName[] = ['black', 'white', 'grey', 'silver']
const TINT: Record<Role, number> = { sky: 0.6, water: 0.45, land: 0.18, accent: 1, none: 0 }

const f = (n: number) => n.toFixed(1)

function hex([h, s, l]: Hsl): string {
  return hsl(h, s, l)
}

function towardsHue(h: number, target: number, amount: number): number {
  const d = ((target - h + 540) % 360) - 180
  return h + d * amount
}

function rgbOf([h, s, l]: Hsl): [number, number, number] {
  const value = parseInt(hex([h, s, l]).slice(1), 16)
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255]
}

function hslOf([r, g, b]: [number, number, number]): Hsl {
  const [rn, gn, bn] = [r / 255, g / 255, b / 255]
  const max = Math.max(rn, gn, bn)
  const min = Math.min(rn, gn, bn)
  const l = (max + min) / 2
  if (max === min) return [0, 0, l * 100]
  const d = max - min
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min)
  const h = max === rn ? (gn - bn) / d + (gn < bn ? 6 : 0) : max === gn ? (bn - rn) / d + 2 : (rn - gn) / d + 4
  return [h * 60, s * 100, l * 100]
}

/** Mixes two colours as paint on screen does (in RGB), e.g. distance haze. */
function mix(a: Hsl, b: Hsl, t: number): Hsl {
  const x = rgbOf(a)
  const y = rgbOf(b)
  return hslOf([0, 1, 2].map((i) => x[i]! + (y[i]! - x[i]!) * t) as [number, number, number])
}

/** Applies the prompt's colours and moods to every colour the scene uses. */
class Ink {
  private readonly chromatic: Hsl[]
  private readonly neutral: ColourName[]
  private readonly tint: Record<Role, number>
  constructor(private readonly reading: PromptReading) {
    this.chromatic = reading.colours.filter((c) => !NEUTRAL.includes(c)).map((c) => COLOURS[c])
    this.neutral = reading.colours.filter((c) => NEUTRAL.includes(c))
    // "Red roses" colour the roses, "red sky" the sky: with things that carry
    // a colour of their own and no sky word, the sky takes only a hint of it.
    const el = reading.elements
    const carriers = el.has('flowers') || el.has('city') || el.has('portrait')
    const skyNamed = el.has('sky') || el.has('clouds') || reading.time === 'sunset' || reading.time === 'dawn'
    this.tint = { ...TINT, sky: carriers && !skyNamed ? 0 : 0.8 }
  }

  /** The colour a prompt names (cycling through them), or the fallback. */
  accent(i: number, fallback: Hsl): Hsl {
    return this.chromatic.length ? this.chromatic[i % this.chromatic.length]! : fallback
  }

  get hasColour() {
    return this.chromatic.length > 0
  }

  /** `which` picks the named colour for the part: 0 the first, 1 the last. */
  c(colour: Hsl, role: Role, which: 0 | 1 = 0): string {
    let [h, s, l] = colour
    const amount = this.tint[role]
    const lead = which === 1 ? this.chromatic.at(-1) : this.chromatic[0]
    if (lead && amount > 0) {
      h = towardsHue(h, lead[0], amount)
      s = s + (Math.max(s, lead[1]) - s) * amount
      if (role === 'accent') l = l + (lead[2] - l) * 0.5
      else if (role === 'sky') l = l + (lead[2] - l) * 0.3
    }
    if (role !== 'none') {
      for (const n of this.neutral) {
        if (n === 'black') l *= 1 - 0.4 * amount
        else if (n === 'white') l = l + (95 - l) * 0.35 * amount
        else s *= 1 - 0.6 * amount
      }
    }
    const moods = this.reading.moods
    if (moods.has('warm')) h = towardsHue(h, 30, 0.22)
    if (moods.has('cold')) h = towardsHue(h, 210, 0.22)
    if (moods.has('pastel')) {
      s *= 0.6
      l = l * 0.55 + 42
    }
    if (moods.has('bright')) s = Math.min(100, s * 1.3)
    if (moods.has('gloomy')) {
      s *= 0.75
      l *= 0.72
    }
    return hex([h, s, l])
  }
}

type SkyColours = { top: Hsl; mid: Hsl; horizon: Hsl; sun: Hsl; glow: Hsl }

const SKIES: Record<TimeOfDay, SkyColours> = {
  day: { top: [214, 72, 42], mid: [205, 72, 62], horizon: [196, 62, 84], sun: [50, 100, 94], glow: [48, 100, 80] },
  dawn: { top: [228, 42, 40], mid: [335, 52, 74], horizon: [32, 92, 80], sun: [42, 100, 82], glow: [30, 100, 75] },
  sunset: { top: [252, 45, 22], mid: [332, 58, 46], horizon: [26, 95, 60], sun: [42, 100, 70], glow: [24, 100, 58] },
  night: { top: [232, 58, 6], mid: [228, 52, 13], horizon: [220, 45, 25], sun: [50, 40, 92], glow: [215, 60, 70] },
}

type Ctx = {
  w: number
  h: number
  min: number
  /** Pixels per 768 px of the shorter side, for sizes of small things. */
  px: number
  horizon: number
  time: TimeOfDay
  sky: SkyColours
  ink: Ink
  reading: PromptReading
  random: Random
  defs: string[]
  body: string[]
  /** Where the sun or moon is, for reflections. */
  light?: { x: number; y: number; r: number; colour: Hsl }
}

const GROUND_ELEMENTS = ['sea', 'mountains', 'forest', 'city', 'flowers', 'snow', 'desert', 'field'] as const

/** Whether the reading names anything this module draws (else the picture is abstract). */
export function isDrawable(reading: PromptReading): boolean {
  return reading.elements.size > 0 || reading.time !== null
}

export function landscapeSvg(reading: PromptReading, width: number, height: number, random: Random): string {
  const el = reading.elements
  const time: TimeOfDay = reading.time ?? 'day'
  const hasGround = GROUND_ELEMENTS.some((e) => el.has(e))
  const portrait = el.has('portrait')
  let horizon = hasGround ? height * between(random, 0.56, 0.64) : portrait ? height * 0.78 : height * 1.02
  if (el.has('mountains') && !el.has('sea')) horizon = height * between(random, 0.66, 0.72)
  if (el.has('flowers') && !el.has('sea')) horizon = Math.min(horizon, height * 0.5)
  if (el.has('city') && !el.has('sea') && !el.has('flowers')) horizon = height * between(random, 0.74, 0.8)
  const min = Math.min(width, height)
  const ctx: Ctx = {
    w: width,
    h: height,
    min,
    px: min / 768,
    horizon,
    time,
    sky: SKIES[time],
    ink: new Ink(reading),
    reading,
    random,
    defs: [],
    body: [],
  }

  paintSky(ctx)
  if (time === 'night') paintStars(ctx)
  const showSun =
    time === 'dawn' || time === 'sunset' || el.has('sun') || el.has('desert') || (time === 'day' && random() < 0.45)
  const showMoon = time === 'night' && (el.has('moon') || random() < 0.7)
  if (showSun && time !== 'night') paintSun(ctx)
  if (showMoon) paintMoon(ctx)
  if (el.has('clouds') || (time !== 'night' && random() < (el.has('desert') ? 0.15 : 0.6))) paintClouds(ctx)
  if (el.has('mountains')) paintMountains(ctx)
  if (el.has('desert')) paintDunes(ctx)
  else if (hasGround && !el.has('sea')) paintGround(ctx)
  if (el.has('sea')) paintSea(ctx)
  if (el.has('city')) paintCity(ctx)
  if (el.has('forest')) paintForest(ctx)
  if (el.has('flowers')) paintFlowers(ctx)
  if (portrait) paintFigure(ctx)
  if (el.has('snow')) paintSnowfall(ctx)

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs>${ctx.defs.join('')}</defs>${ctx.body.join('')}</svg>`
}

// ---------------------------------------------------------------------------

function paintSky(ctx: Ctx) {
  const { w, h, horizon, sky, ink, defs, body } = ctx
  const end = Math.min(1, horizon / h)
  defs.push(
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="${f(end * 100)}%">` +
      `<stop offset="0" stop-color="${ink.c(sky.top, 'sky', 1)}"/>` +
      `<stop offset="0.55" stop-color="${ink.c(sky.mid, 'sky', 1)}"/>` +
      `<stop offset="1" stop-color="${ink.c(sky.horizon, 'sky', 0)}"/></linearGradient>`,
  )
  body.push(`<rect width="${w}" height="${h}" fill="url(#sky)"/>`)
}

function paintStars(ctx: Ctx) {
  const { w, horizon, px, random, body, defs, ink } = ctx
  const skyH = Math.min(horizon, ctx.h)
  if (ctx.reading.elements.has('stars')) {
    // A faint Milky Way band across the sky.
    const angle = between(random, -35, 35)
    defs.push(
      `<radialGradient id="milky"><stop offset="0" stop-color="${ink.c([260, 40, 75], 'sky')}" stop-opacity="0.35"/>` +
        `<stop offset="1" stop-color="${ink.c([260, 40, 75], 'sky')}" stop-opacity="0"/></radialGradient>`,
    )
    body.push(
      `<ellipse cx="${f(w / 2)}" cy="${f(skyH * 0.45)}" rx="${f(w * 0.9)}" ry="${f(skyH * 0.16)}" fill="url(#milky)" transform="rotate(${f(angle)} ${f(w / 2)} ${f(skyH * 0.45)})"/>`,
    )
  }
  const count = Math.round(((w * skyH) / 2600) * (ctx.reading.elements.has('stars') ? 1.6 : 1))
  const stars: string[] = []
  for (let i = 0; i < count; i++) {
    const y = Math.pow(random(), 1.3) * skyH * 0.95
    const r = px * (random() < 0.06 ? between(random, 1.6, 2.4) : between(random, 0.5, 1.3))
    stars.push(`<circle cx="${f(random() * w)}" cy="${f(y)}" r="${f(r)}" opacity="${f(between(random, 0.35, 1))}"/>`)
  }
  body.push(`<g fill="#fffbe8">${stars.join('')}</g>`)
}

function glowGradient(ctx: Ctx, id: string, colour: string, opacity: number) {
  ctx.defs.push(
    `<radialGradient id="${id}"><stop offset="0" stop-color="${colour}" stop-opacity="${opacity}"/>` +
      `<stop offset="0.35" stop-color="${colour}" stop-opacity="${f(opacity * 0.45)}"/>` +
      `<stop offset="1" stop-color="${colour}" stop-opacity="0"/></radialGradient>`,
  )
}

function paintSun(ctx: Ctx) {
  const { w, min, horizon, time, sky, ink, random, body } = ctx
  const low = time === 'dawn' || time === 'sunset'
  const r = min * (low ? between(random, 0.08, 0.11) : between(random, 0.05, 0.07))
  // Beside a portrait's head, not hidden behind it.
  const x = ctx.reading.elements.has('portrait') ? w * (random() < 0.5 ? 0.2 : 0.8) : w * between(random, 0.25, 0.75)
  const skyH = Math.min(horizon, ctx.h)
  const y = low ? horizon - r * between(random, 0.2, 0.9) : skyH * between(random, 0.18, 0.34)
  const glow = ink.c(sky.glow, low ? 'accent' : 'sky')
  glowGradient(ctx, 'sunglow', glow, 0.9)
  body.push(
    `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r * 6)}" fill="url(#sunglow)"/>`,
    `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="${ink.c(sky.sun, low ? 'accent' : 'none')}"/>`,
  )
  ctx.light = { x, y, r, colour: low ? sky.glow : sky.sun }
}

function paintMoon(ctx: Ctx) {
  const { w, min, horizon, random, body, defs, ink } = ctx
  const r = min * between(random, 0.05, 0.075)
  const x = w * between(random, 0.2, 0.8)
  const y = Math.min(horizon, ctx.h) * between(random, 0.16, 0.35)
  const moon: Hsl = [48, 60, 90]
  glowGradient(ctx, 'moonglow', ink.c([215, 50, 75], 'sky'), 0.45)
  body.push(`<circle cx="${f(x)}" cy="${f(y)}" r="${f(r * 5)}" fill="url(#moonglow)"/>`)
  if (random() < 0.5) {
    // A crescent: the disc with an offset disc cut out of it.
    const dx = r * between(random, 0.35, 0.6) * (random() < 0.5 ? -1 : 1)
    defs.push(
      `<mask id="crescent"><rect x="${f(x - r * 2)}" y="${f(y - r * 2)}" width="${f(r * 4)}" height="${f(r * 4)}" fill="#fff"/>` +
        `<circle cx="${f(x + dx)}" cy="${f(y - r * 0.2)}" r="${f(r * 0.92)}" fill="#000"/></mask>`,
    )
    body.push(`<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="${ink.c(moon, 'none')}" mask="url(#crescent)"/>`)
  } else {
    body.push(
      `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="${ink.c(moon, 'none')}"/>`,
      `<circle cx="${f(x - r * 0.3)}" cy="${f(y - r * 0.2)}" r="${f(r * 0.22)}" fill="#c9c2a8" opacity="0.45"/>`,
      `<circle cx="${f(x + r * 0.35)}" cy="${f(y + r * 0.3)}" r="${f(r * 0.15)}" fill="#c9c2a8" opacity="0.4"/>`,
    )
  }
  ctx.light = { x, y, r, colour: moon }
}

function paintClouds(ctx: Ctx) {
  const { w, min, horizon, time, ink, random, body, defs } = ctx
  const skyH = Math.min(horizon, ctx.h)
  const lit: Record<TimeOfDay, Hsl> = {
    day: [210, 30, 97],
    dawn: [345, 70, 88],
    sunset: [18, 85, 68],
    night: [225, 20, 28],
  }
  const shade: Record<TimeOfDay, Hsl> = {
    day: [212, 22, 80],
    dawn: [280, 25, 70],
    sunset: [300, 35, 38],
    night: [230, 25, 16],
  }
  defs.push(
    `<linearGradient id="cloud" x1="0" y1="0" x2="0" y2="1"><stop offset="0.2" stop-color="${ink.c(lit[time], 'sky')}"/>` +
      `<stop offset="1" stop-color="${ink.c(shade[time], 'sky')}"/></linearGradient>`,
    `<filter id="soft" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="${f(ctx.px * 2.2)}"/></filter>`,
  )
  const count = ctx.reading.elements.has('clouds') ? 5 + Math.floor(random() * 3) : 2 + Math.floor(random() * 3)
  const clouds: string[] = []
  for (let i = 0; i < count; i++) {
    const cw = min * between(random, 0.22, 0.45)
    let cx = between(random, -0.05, 1.05) * w
    const cy = skyH * between(random, 0.12, 0.7)
    // Clouds drift beside the sun or moon, not over it.
    const light = ctx.light
    if (light && Math.abs(cx - light.x) < cw / 2 + light.r * 1.5 && Math.abs(cy - light.y) < cw * 0.3 + light.r * 1.5) {
      cx = light.x + (cx < light.x ? -1 : 1) * (cw / 2 + light.r * 2)
    }
    const puffs: string[] = []
    const n = 4 + Math.floor(random() * 4)
    for (let p = 0; p < n; p++) {
      const t = p / (n - 1)
      const pr = cw * between(random, 0.14, 0.24) * (1 - Math.abs(t - 0.5) * 0.8)
      puffs.push(
        `<circle cx="${f(cx - cw / 2 + t * cw)}" cy="${f(cy - pr * between(random, 0.3, 0.8))}" r="${f(pr)}"/>`,
      )
    }
    puffs.push(
      `<rect x="${f(cx - cw / 2)}" y="${f(cy - cw * 0.06)}" width="${f(cw)}" height="${f(cw * 0.08)}" rx="${f(cw * 0.04)}"/>`,
    )
    clouds.push(`<g opacity="${f(between(random, 0.75, 0.95))}">${puffs.join('')}</g>`)
  }
  body.push(`<g fill="url(#cloud)" filter="url(#soft)">${clouds.join('')}</g>`)
}

/** A ridge line by midpoint displacement: x from 0 to w, y values. */
function ridge(random: Random, segments: number, roughness: number): number[] {
  const ys = new Array<number>(segments + 1).fill(0)
  ys[0] = random()
  ys[segments] = random()
  let step = segments
  let amp = 1
  while (step > 1) {
    const half = step / 2
    for (let i = half; i < segments; i += step) ys[i] = (ys[i - half]! + ys[i + half]!) / 2 + (random() - 0.5) * amp
    step = half
    amp *= roughness
  }
  const lo = Math.min(...ys)
  const hi = Math.max(...ys)
  return ys.map((y) => (y - lo) / (hi - lo || 1))
}

function paintMountains(ctx: Ctx) {
  const { w, h, horizon, time, sky, ink, random, body, defs } = ctx
  const rock: Record<TimeOfDay, Hsl> = {
    day: [218, 22, 34],
    dawn: [265, 22, 42],
    sunset: [275, 30, 24],
    night: [230, 30, 9],
  }
  const snowy = ctx.reading.elements.has('snow') || random() < 0.6
  const layers = 3
  for (let layer = 0; layer < layers; layer++) {
    const depth = layer / (layers - 1) // 0 far, 1 near
    const top = horizon - h * (0.34 - depth * 0.16) * between(random, 0.85, 1.1)
    const bottom = horizon - h * (0.06 - depth * 0.06)
    const ys = ridge(random, 64, between(random, 0.5, 0.6))
    const points = ys.map((y, i) => `${f((w * i) / 64)},${f(top + y * (bottom - top))}`)
    const colour = mix(rock[time], sky.horizon, 0.6 - depth * 0.6)
    const id = `ridge${layer}`
    const shape = `M0,${f(h)} L${points.join(' L')} L${w},${f(h)} Z`
    body.push(`<path d="${shape}" fill="${ink.c(colour, 'land')}"/>`)
    if (snowy && layer < 2) {
      // Snow on what rises above the snow line: a jagged band clipped to the ridge.
      const line = top + (bottom - top) * between(random, 0.3, 0.45)
      const snowLine = Array.from(
        { length: 33 },
        (_, i) => `${f((w * i) / 32)},${f(line + (random() - 0.3) * h * 0.03)}`,
      )
      defs.push(`<clipPath id="${id}"><path d="${shape}"/></clipPath>`)
      const snow: Hsl = time === 'night' ? [220, 25, 40] : time === 'sunset' ? [20, 70, 80] : [210, 30, 95]
      body.push(
        `<path clip-path="url(#${id})" d="M0,0 L${w},0 L${snowLine.reverse().join(' L')} Z" fill="${ink.c(mix(snow, sky.horizon, 0.35 - depth * 0.35), 'none')}"/>`,
      )
    }
  }
}

function paintGround(ctx: Ctx) {
  const { w, h, horizon, time, ink, random, body, defs } = ctx
  const snow = ctx.reading.elements.has('snow')
  const near: Record<TimeOfDay, Hsl> = snow
    ? { day: [212, 35, 80], dawn: [250, 25, 78], sunset: [280, 25, 45], night: [228, 35, 20] }
    : { day: [108, 48, 26], dawn: [100, 40, 34], sunset: [60, 40, 18], night: [160, 30, 6] }
  const far: Record<TimeOfDay, Hsl> = snow
    ? { day: [205, 35, 93], dawn: [20, 60, 90], sunset: [20, 55, 70], night: [225, 30, 35] }
    : { day: [92, 45, 46], dawn: [70, 45, 55], sunset: [35, 55, 38], night: [170, 25, 14] }
  defs.push(
    `<linearGradient id="ground" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${ink.c(far[time], 'land')}"/>` +
      `<stop offset="1" stop-color="${ink.c(near[time], 'land')}"/></linearGradient>`,
  )
  // Two rolling hills in front of the horizon.
  const hills: string[] = []
  for (let layer = 0; layer < 2; layer++) {
    const base = horizon + (h - horizon) * layer * 0.25
    const amp = (h - horizon) * between(random, 0.05, 0.12)
    const phase = random() * Math.PI * 2
    const freq = between(random, 0.6, 1.4)
    const pts: string[] = []
    for (let i = 0; i <= 32; i++) {
      const x = (w * i) / 32
      pts.push(`${f(x)},${f(base - amp * (0.5 + 0.5 * Math.sin((i / 32) * Math.PI * 2 * freq + phase)))}`)
    }
    hills.push(
      `<path d="M0,${h} L${pts.join(' L')} L${w},${h} Z" fill="url(#ground)" opacity="${layer === 0 ? 1 : 0.9}"/>`,
    )
  }
  body.push(...hills)
  if (!snow && time !== 'night') {
    // Grass strokes in the foreground.
    const strokes: string[] = []
    const n = Math.round(w / (5 * ctx.px))
    for (let i = 0; i < n; i++) {
      const x = random() * w
      const y = h - Math.pow(random(), 2) * (h - horizon) * 0.5
      const len = ctx.px * between(random, 6, 16) * (0.5 + (y - horizon) / (h - horizon))
      strokes.push(`M${f(x)},${f(y)} l${f(between(random, -3, 3) * ctx.px)},${f(-len)}`)
    }
    body.push(
      `<path d="${strokes.join(' ')}" stroke="${ink.c([100, 45, 20], 'land')}" stroke-width="${f(ctx.px * 1.4)}" opacity="0.5" fill="none"/>`,
    )
  }
}

function paintDunes(ctx: Ctx) {
  const { w, h, horizon, time, ink, random, body } = ctx
  const sand: Record<TimeOfDay, [Hsl, Hsl]> = {
    day: [
      [40, 70, 72],
      [30, 65, 50],
    ],
    dawn: [
      [28, 70, 72],
      [15, 55, 50],
    ],
    sunset: [
      [22, 80, 55],
      [10, 60, 30],
    ],
    night: [
      [35, 20, 30],
      [30, 25, 14],
    ],
  }
  const [light, dark] = sand[time]
  for (let layer = 0; layer < 4; layer++) {
    const t = layer / 3
    const base = horizon + (h - horizon) * t * 0.7
    const amp = (h - horizon) * between(random, 0.06, 0.14) * (1 + t)
    const phase = random() * Math.PI * 2
    const freq = between(random, 0.7, 1.6)
    const pts: string[] = []
    for (let i = 0; i <= 40; i++) {
      const x = (w * i) / 40
      const s = Math.sin((i / 40) * Math.PI * 2 * freq + phase)
      // Dunes have a steep lee side: sharpen the crest.
      pts.push(`${f(x)},${f(base - amp * Math.pow(0.5 + 0.5 * s, 1.6))}`)
    }
    const colour = mix(light, dark, t * 0.8 + (layer % 2) * 0.15)
    body.push(`<path d="M0,${h} L${pts.join(' L')} L${w},${h} Z" fill="${ink.c(colour, 'land')}"/>`)
  }
  if (random() < 0.7) {
    // A cactus or two.
    const n = 1 + Math.floor(random() * 2)
    for (let i = 0; i < n; i++) {
      const x = w * between(random, 0.1, 0.9)
      const y = h - (h - horizon) * between(random, 0.05, 0.3)
      const s = ctx.min * between(random, 0.08, 0.14)
      const c = ink.c(time === 'night' || time === 'sunset' ? [120, 25, 10] : [120, 35, 28], 'land')
      const arm = s * 0.12
      body.push(
        `<g fill="${c}"><rect x="${f(x - arm)}" y="${f(y - s)}" width="${f(arm * 2)}" height="${f(s)}" rx="${f(arm)}"/>` +
          `<path d="M${f(x - arm)},${f(y - s * 0.45)} h${f(-s * 0.25)} v${f(-s * 0.25)}" stroke="${c}" stroke-width="${f(arm * 1.6)}" stroke-linecap="round" fill="none"/>` +
          `<path d="M${f(x + arm)},${f(y - s * 0.6)} h${f(s * 0.22)} v${f(-s * 0.2)}" stroke="${c}" stroke-width="${f(arm * 1.6)}" stroke-linecap="round" fill="none"/></g>`,
      )
    }
  }
}

function paintSea(ctx: Ctx) {
  const { w, h, horizon, time, ink, random, body, defs, px } = ctx
  const deep: Record<TimeOfDay, Hsl> = {
    day: [210, 75, 26],
    dawn: [220, 45, 38],
    sunset: [255, 40, 20],
    night: [230, 55, 6],
  }
  // Near the horizon the water mirrors the sky there.
  const mirror: Record<TimeOfDay, Hsl> = {
    day: [200, 60, 58],
    dawn: [25, 55, 72],
    sunset: [18, 62, 50],
    night: [225, 40, 20],
  }
  const near = mirror[time]
  defs.push(
    `<linearGradient id="sea" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${ink.c(near, 'water')}"/>` +
      `<stop offset="1" stop-color="${ink.c(deep[time], 'water')}"/></linearGradient>`,
  )
  body.push(`<rect x="0" y="${f(horizon)}" width="${w}" height="${f(h - horizon)}" fill="url(#sea)"/>`)
  // Wave crests, closer together towards the horizon.
  const waves: string[] = []
  const rows = 26
  for (let i = 0; i < rows; i++) {
    const t = Math.pow((i + random() * 0.6) / rows, 1.8)
    const y = horizon + 2 * px + t * (h - horizon)
    const per = 2 + Math.floor(random() * 4)
    for (let j = 0; j < per; j++) {
      const len = w * between(random, 0.03, 0.12) * (0.4 + t)
      waves.push(`M${f(random() * w)},${f(y)} h${f(len)}`)
    }
  }
  const crest: Hsl = time === 'night' ? [220, 40, 40] : [200, 50, 92]
  body.push(
    `<path d="${waves.join(' ')}" stroke="${ink.c(crest, 'water')}" stroke-width="${f(px * 1.6)}" stroke-linecap="round" opacity="0.45" fill="none"/>`,
  )
  if (ctx.light) {
    // The sun's or moon's path on the water: short strokes widening towards the viewer.
    const { x, r, colour } = ctx.light
    const strokes: string[] = []
    for (let i = 0; i < 60; i++) {
      const t = Math.pow(random(), 1.4)
      const y = horizon + 1 * px + t * (h - horizon)
      const spread = r * (0.8 + t * 3)
      const len = spread * between(random, 0.2, 0.9)
      strokes.push(`M${f(x + (random() - 0.5) * spread * 2 - len / 2)},${f(y)} h${f(len)}`)
    }
    body.push(
      `<path d="${strokes.join(' ')}" stroke="${ink.c(colour, 'accent')}" stroke-width="${f(px * 2.2)}" stroke-linecap="round" opacity="0.75" fill="none"/>`,
    )
  }
}

function paintCity(ctx: Ctx) {
  const { w, h, horizon, time, sky, ink, random, body, px } = ctx
  const base = Math.min(horizon, h)
  const wall: Record<TimeOfDay, Hsl> = {
    day: [215, 18, 42],
    dawn: [255, 18, 42],
    sunset: [262, 28, 20],
    night: [232, 30, 11],
  }
  const litShare: Record<TimeOfDay, number> = { day: 0, dawn: 0.12, sunset: 0.3, night: 0.45 }
  const windowLight = ink.accent(0, [44, 95, 68])
  const reflections: string[] = []
  for (let layer = 0; layer < 2; layer++) {
    const colour = mix(wall[time], sky.horizon, layer === 0 ? 0.45 : 0)
    const lit: string[] = []
    let x = -random() * w * 0.05
    while (x < w) {
      const bw = w * between(random, 0.045, 0.1)
      const centre = 1 - Math.abs(x / w - 0.5) * 1.2
      const bh = h * between(random, 0.07, layer === 0 ? 0.3 : 0.24) * (0.6 + centre * 0.6)
      const top = base - bh
      const parts = [`<rect x="${f(x)}" y="${f(top)}" width="${f(bw + 0.5)}" height="${f(bh + 1)}"/>`]
      if (random() < 0.3) {
        // A stepped crown or a spire.
        parts.push(
          `<rect x="${f(x + bw * 0.25)}" y="${f(top - bh * 0.12)}" width="${f(bw * 0.5)}" height="${f(bh * 0.12 + 1)}"/>`,
        )
        if (random() < 0.5)
          parts.push(
            `<rect x="${f(x + bw * 0.48)}" y="${f(top - bh * 0.3)}" width="${f(Math.max(1, bw * 0.04))}" height="${f(bh * 0.2)}"/>`,
          )
      }
      body.push(`<g fill="${ink.c(colour, 'land')}">${parts.join('')}</g>`)
      // Windows: a grid; some are lit.
      const cell = px * (layer === 0 ? 6 : 8)
      const cols = Math.floor((bw - cell * 0.6) / cell)
      const rows = Math.floor((bh - cell) / (cell * 1.3))
      const share = litShare[time] * (layer === 0 ? 0.6 : 1)
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          if (time === 'day') {
            if (layer === 1 && random() < 0.5)
              lit.push(
                `<rect x="${f(x + cell * 0.6 + c * cell)}" y="${f(top + cell + r * cell * 1.3)}" width="${f(cell * 0.5)}" height="${f(cell * 0.7)}" fill="${ink.c(sky.mid, 'sky')}" opacity="0.55"/>`,
              )
          } else if (random() < share) {
            const wx = x + cell * 0.6 + c * cell
            lit.push(
              `<rect x="${f(wx)}" y="${f(top + cell + r * cell * 1.3)}" width="${f(cell * 0.5)}" height="${f(cell * 0.7)}"/>`,
            )
            if (layer === 1 && random() < 0.08)
              reflections.push(`M${f(wx)},${f(base + (random() * 0.8 + 0.05) * (h - base))} h${f(cell * 2)}`)
          }
        }
      }
      x += bw + (layer === 0 ? -bw * 0.3 : w * between(random, 0, 0.012))
    }
    if (lit.length) body.push(`<g fill="${ink.c(windowLight, 'accent')}">${lit.join('')}</g>`)
  }
  if (ctx.reading.elements.has('sea') && reflections.length) {
    body.push(
      `<path d="${reflections.join(' ')}" stroke="${ink.c(windowLight, 'accent')}" stroke-width="${f(px * 1.5)}" opacity="0.55" fill="none"/>`,
    )
  }
}

function conifer(x: number, y: number, height: number, colour: string, snow: string | null): string {
  const tiers = 4
  const parts: string[] = [
    `<rect x="${f(x - height * 0.03)}" y="${f(y - height * 0.12)}" width="${f(height * 0.06)}" height="${f(height * 0.12)}"/>`,
  ]
  const caps: string[] = []
  for (let t = 0; t < tiers; t++) {
    const bottom = y - height * (0.08 + t * 0.2)
    const topY = bottom - height * 0.42
    const half = height * (0.28 - t * 0.055)
    parts.push(`<path d="M${f(x - half)},${f(bottom)} L${f(x)},${f(topY)} L${f(x + half)},${f(bottom)} Z"/>`)
    if (snow) {
      const k = 0.45
      caps.push(
        `<path d="M${f(x - half * k)},${f(topY + (bottom - topY) * k)} L${f(x)},${f(topY)} L${f(x + half * k)},${f(topY + (bottom - topY) * k)} Z"/>`,
      )
    }
  }
  return `<g fill="${colour}">${parts.join('')}</g>` + (snow ? `<g fill="${snow}">${caps.join('')}</g>` : '')
}

function roundTree(x: number, y: number, height: number, colour: string, trunk: string): string {
  const r = height * 0.3
  return (
    `<rect x="${f(x - height * 0.035)}" y="${f(y - height * 0.45)}" width="${f(height * 0.07)}" height="${f(height * 0.45)}" fill="${trunk}"/>` +
    `<g fill="${colour}"><circle cx="${f(x)}" cy="${f(y - height + r)}" r="${f(r)}"/>` +
    `<circle cx="${f(x - r * 0.7)}" cy="${f(y - height * 0.55)}" r="${f(r * 0.8)}"/>` +
    `<circle cx="${f(x + r * 0.7)}" cy="${f(y - height * 0.58)}" r="${f(r * 0.85)}"/></g>`
  )
}

function paintForest(ctx: Ctx) {
  const { w, h, horizon, time, sky, ink, random, body, reading } = ctx
  const snow = reading.elements.has('snow')
  const wantsRound = reading.words.some((word) => /^(дуб|берез|клен|пальм|oak|birch|palm|maple|сад|garden)/.test(word))
  const wantsPointed = reading.words.some((word) => /^(ел|ель|сосн|pine|spruce|fir|тайг|taiga)/.test(word))
  const pointed = wantsPointed || (!wantsRound && (snow || random() < 0.6))
  const leaf: Record<TimeOfDay, Hsl> = {
    day: [140, 38, 22],
    dawn: [150, 25, 28],
    sunset: [285, 25, 12],
    night: [210, 35, 5],
  }
  const snowColour = snow ? ink.c(time === 'night' ? [220, 25, 45] : [210, 35, 95], 'none') : null
  const base = Math.min(horizon, h)
  // A band of distant trees on the horizon, then bigger ones in front.
  const rows = reading.elements.has('sea') ? 1 : 3
  for (let row = 0; row < rows; row++) {
    const depth = rows === 1 ? 0 : row / (rows - 1)
    const y0 = base + (h - base) * depth * 0.75
    const size = h * (0.09 + depth * 0.22)
    const colour = ink.c(mix(leaf[time], sky.horizon, 0.45 - depth * 0.45), 'land')
    const trunk = ink.c(time === 'day' ? [25, 35, 22] : leaf[time], 'land')
    const trees: string[] = []
    let x = -size * 0.3
    while (x < w + size * 0.3) {
      // Front rows leave the middle open, framing the view.
      const open = row > 0 && Math.abs(x / w - 0.5) < 0.18 + depth * 0.1
      if (!open) {
        const height = size * between(random, 0.7, 1.25)
        const y = y0 + between(random, 0, 0.04) * h
        trees.push(pointed ? conifer(x, y, height, colour, snowColour) : roundTree(x, y, height, colour, trunk))
      }
      x += size * between(random, 0.22, 0.45) * (pointed ? 1 : 1.4)
    }
    body.push(trees.join(''))
  }
}

function paintFlowers(ctx: Ctx) {
  const { w, h, horizon, ink, random, body, time } = ctx
  const base = Math.min(horizon, h)
  const defaults: Hsl[] = [
    [350, 80, 58],
    [45, 95, 58],
    [300, 50, 62],
    [20, 90, 58],
    [0, 0, 97],
  ]
  const dim = time === 'night' ? 0.45 : time === 'sunset' ? 0.8 : 1
  const flowers: { y: number; svg: string }[] = []
  const n = Math.round((w / (10 * ctx.px)) * 0.9)
  for (let i = 0; i < n; i++) {
    const t = Math.pow(random(), 0.7)
    const y = base + t * (h - base) * 1.02
    const size = ctx.px * (4 + t * 22) * between(random, 0.7, 1.2)
    const x = random() * w
    const petal = ink.accent(i, defaults[Math.floor(random() * defaults.length)]!)
    const p: Hsl = [petal[0] + between(random, -8, 8), petal[1], petal[2] * dim]
    const stem = ink.c([110, 45, 25 * dim], 'land')
    const petals: string[] = []
    const count = 5 + Math.floor(random() * 2)
    const turn = random() * Math.PI
    for (let k = 0; k < count; k++) {
      const a = turn + (k / count) * Math.PI * 2
      petals.push(
        `<ellipse cx="${f(x + Math.cos(a) * size * 0.55)}" cy="${f(y - size * 1.6 + Math.sin(a) * size * 0.45)}" rx="${f(size * 0.45)}" ry="${f(size * 0.36)}"/>`,
      )
    }
    flowers.push({
      y,
      svg:
        `<path d="M${f(x)},${f(y)} q${f(size * 0.3)},${f(-size * 0.8)} 0,${f(-size * 1.6)}" stroke="${stem}" stroke-width="${f(Math.max(1, size * 0.14))}" fill="none"/>` +
        `<g fill="${ink.c(p, 'none')}">${petals.join('')}</g>` +
        `<circle cx="${f(x)}" cy="${f(y - size * 1.6)}" r="${f(size * 0.28)}" fill="${ink.c([42, 90, 45 * dim], 'none')}"/>`,
    })
  }
  flowers.sort((a, b) => a.y - b.y)
  body.push(flowers.map((fl) => fl.svg).join(''))
}

const LONG_HAIR =
  /^(девушк|женщин|дам|красавиц|королев|принцесс|бабушк|девочк|girl|woman|women|lady|ladies|queen|princess|she|her)/

function paintFigure(ctx: Ctx) {
  const { w, h, time, sky, ink, random, body, defs, reading } = ctx
  const s = Math.min(h, w * 1.2) * 0.92
  const cx = w * between(random, 0.45, 0.55)
  const headRx = s * 0.11
  const headRy = s * 0.14
  const cy = h - s * 0.5
  const shoulderY = cy + headRy + s * 0.06
  const spread = s * 0.36
  const long = reading.words.some((word) => LONG_HAIR.test(word))
  const alone = ![...reading.elements].some((e) => e !== 'portrait' && e !== 'sky' && e !== 'clouds')

  if (alone) {
    // A studio background: a soft colour field and out-of-focus lights.
    const hue = ink.accent(0, [between(random, 0, 360), 45, 55])
    defs.push(
      `<radialGradient id="studio" cx="50%" cy="40%" r="75%"><stop offset="0" stop-color="${ink.c([hue[0], hue[1] * 0.8, 72], 'none')}"/>` +
        `<stop offset="1" stop-color="${ink.c([hue[0] + 30, hue[1], 24], 'none')}"/></radialGradient>`,
    )
    body.push(`<rect width="${w}" height="${h}" fill="url(#studio)"/>`)
    const lights: string[] = []
    for (let i = 0; i < 14; i++) {
      lights.push(
        `<circle cx="${f(random() * w)}" cy="${f(random() * h * 0.8)}" r="${f(s * between(random, 0.02, 0.07))}" opacity="${f(between(random, 0.12, 0.35))}"/>`,
      )
    }
    body.push(`<g fill="${ink.c([hue[0] + 40, 80, 88], 'none')}">${lights.join('')}</g>`)
  }
  const rim = ink.c(time === 'night' ? [215, 60, 75] : sky.glow, 'accent')
  glowGradient(ctx, 'halo', rim, 0.55)
  body.push(`<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(s * 0.42)}" fill="url(#halo)"/>`)

  const hair: string[] = []
  const figure: string[] = []
  const face: string[] = []
  const rx = headRx
  const ry = headRy
  if (long) {
    // Hair falling past the shoulders, wider below the ears.
    hair.push(
      `<path d="M${f(cx)},${f(cy - ry * 1.1)} C${f(cx - rx * 1.55)},${f(cy - ry * 1.15)} ${f(cx - rx * 1.3)},${f(cy + ry * 0.5)} ${f(cx - rx * 1.62)},${f(shoulderY + s * 0.1)} ` +
        `Q${f(cx - rx * 0.9)},${f(shoulderY + s * 0.15)} ${f(cx - rx * 0.55)},${f(shoulderY + s * 0.04)} L${f(cx + rx * 0.55)},${f(shoulderY + s * 0.04)} ` +
        `Q${f(cx + rx * 0.9)},${f(shoulderY + s * 0.15)} ${f(cx + rx * 1.62)},${f(shoulderY + s * 0.1)} C${f(cx + rx * 1.3)},${f(cy + ry * 0.5)} ${f(cx + rx * 1.55)},${f(cy - ry * 1.15)} ${f(cx)},${f(cy - ry * 1.1)} Z"/>`,
    )
  }
  const neckTop = shoulderY - s * 0.035
  figure.push(
    // Shoulders sloping from the neck.
    `<path d="M${f(cx - s * 0.05)},${f(neckTop)} C${f(cx - s * 0.2)},${f(neckTop + s * 0.005)} ${f(cx - spread * 0.95)},${f(shoulderY + s * 0.01)} ${f(cx - spread * 1.05)},${f(shoulderY + s * 0.14)} ` +
      `L${f(cx - spread * 1.15)},${f(h + 2)} L${f(cx + spread * 1.15)},${f(h + 2)} L${f(cx + spread * 1.05)},${f(shoulderY + s * 0.14)} ` +
      `C${f(cx + spread * 0.95)},${f(shoulderY + s * 0.01)} ${f(cx + s * 0.2)},${f(neckTop + s * 0.005)} ${f(cx + s * 0.05)},${f(neckTop)} Z"/>`,
  )
  face.push(
    `<rect x="${f(cx - s * 0.048)}" y="${f(cy + ry * 0.5)}" width="${f(s * 0.096)}" height="${f(neckTop - cy - ry * 0.45)}"/>`,
    `<ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(rx)}" ry="${f(ry)}"/>`,
  )
  // Hair over the crown.
  hair.push(`<ellipse cx="${f(cx)}" cy="${f(cy - ry * 0.3)}" rx="${f(rx * 1.08)}" ry="${f(ry * 0.8)}"/>`)
  const outline = [...hair, ...figure, ...face].join('')
  const hairColour = ink.c([25, 30, 7], 'none')
  const clothes = ink.c(mix(ink.accent(1, [220, 30, 22]), [240, 25, 8], 0.55), 'none')
  const skin = ink.c(time === 'night' ? [220, 15, 13] : [20, 25, 16], 'none')
  body.push(
    `<g fill="${rim}" opacity="0.85" transform="translate(${f(s * 0.008)} ${f(-s * 0.006)})">${outline}</g>`,
    long ? `<g fill="${hairColour}">${hair[0]}</g>` : '',
    `<g fill="${clothes}">${figure.join('')}</g>`,
    `<g fill="${skin}">${face.join('')}</g>`,
    `<g fill="${hairColour}">${long ? hair.slice(1).join('') : hair.join('')}</g>`,
  )
}

function paintSnowfall(ctx: Ctx) {
  const { w, h, random, body, px } = ctx
  const flakes: string[] = []
  const n = Math.round((w * h) / 3500)
  for (let i = 0; i < n; i++) {
    flakes.push(
      `<circle cx="${f(random() * w)}" cy="${f(random() * h)}" r="${f(px * between(random, 0.8, 2.8))}" opacity="${f(between(random, 0.45, 0.95))}"/>`,
    )
  }
  body.push(`<g fill="#ffffff">${flakes.join('')}</g>`)
}
