import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { GALLERY_EXAMPLES } from './examples'
import { dimensionsFor, isAspectRatio, isStyle } from './options'

const dir = path.resolve(__dirname, '../../public/examples')

describe('the landing gallery', () => {
  it('has examples', () => {
    expect(GALLERY_EXAMPLES.length).toBeGreaterThanOrEqual(6)
  })

  it.each(GALLERY_EXAMPLES.map((example) => [example.file, example] as const))(
    '%s exists in public/examples with the stated size',
    async (file, example) => {
      const full = path.join(dir, file)
      expect(existsSync(full)).toBe(true)
      expect(statSync(full).size).toBeLessThan(120 * 1024)
      const meta = await sharp(full).metadata()
      expect({ width: meta.width, height: meta.height }).toEqual({ width: example.width, height: example.height })
      expect(isStyle(example.style) && isAspectRatio(example.aspectRatio)).toBe(true)
      expect(dimensionsFor(example.aspectRatio, Math.max(example.width, example.height))).toEqual({
        width: example.width,
        height: example.height,
      })
      expect(example.prompt.ru.trim()).not.toBe('')
      expect(example.prompt.en.trim()).not.toBe('')
    },
  )

  it('holds no image that the list does not name', () => {
    const named = new Set(GALLERY_EXAMPLES.map((example) => example.file))
    expect(readdirSync(dir).filter((file) => !named.has(file))).toEqual([])
  })
})
