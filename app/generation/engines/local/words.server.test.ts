import { describe, expect, it } from 'vitest'
import { readPrompt, type ColourName, type SceneElement } from './words.server'

const elements = (prompt: string) => [...readPrompt(prompt).elements].sort()

describe('reading a prompt', () => {
  it.each<[string, SceneElement[]]>([
    ['Море', ['sea']],
    ['берег моря', ['sea']],
    ['лодка под морем звёзд', ['sea', 'stars']],
    ['Над МОРЕМ', ['sea']],
    ['the SEA and the ocean waves', ['sea']],
    ['горы', ['mountains']],
    ['в горах', ['mountains']],
    ['горный пейзаж', ['mountains']],
    ['snowy mountains', ['mountains', 'snow']],
    ['лес', ['forest']],
    ['в лесу', ['forest']],
    ['сосны и ели', ['forest']],
    ['a pine forest', ['forest']],
    ['ночной город', ['city']],
    ['городские улицы', ['city']],
    ['night city skyline', ['city']],
    ['звёздное небо', ['sky', 'stars']],
    ['звездное небо', ['sky', 'stars']],
    ['луна', ['moon']],
    ['moonlight', ['moon']],
    ['портрет девушки', ['portrait']],
    ['portrait of a woman', ['portrait']],
    ['поле цветов', ['field', 'flowers']],
    ['розы в саду', ['flowers']],
    ['a garden of tulips', ['flowers']],
    ['зимний снег', ['snow']],
    ['пустыня и барханы', ['desert']],
    ['sand dunes in the desert', ['desert']],
    ['облака', ['clouds']],
  ])('%s → %j', (prompt, expected) => {
    expect(elements(prompt)).toEqual([...expected].sort())
  })

  it('does not take look-alike words for scene words', () => {
    // город is not гора, горизонт is not гора, мороз is not море, лестница is not лес.
    expect(elements('город')).toEqual(['city'])
    expect(elements('горизонт')).toEqual([])
    expect(elements('горячий чай')).toEqual([])
    expect(elements('мороз')).toEqual(['snow'])
    expect(elements('морковь')).toEqual([])
    expect(elements('лестница')).toEqual([])
    expect(elements('розовый')).toEqual([])
    expect(elements('небоскрёбы')).toEqual(['city'])
    expect(elements('a wooden season ticket')).toEqual([])
    expect(elements('кот в шляпе')).toEqual([])
  })

  it.each<[string, ColourName[]]>([
    ['красный', ['red']],
    ['красная роза', ['red']],
    ['КРАСНЫМ', ['red']],
    ['red', ['red']],
    ['синее море', ['blue']],
    ['blue sea', ['blue']],
    ['голубое небо', ['lightblue']],
    ['зелёный лес', ['green']],
    ['зеленый лес', ['green']],
    ['жёлтые цветы', ['yellow']],
    ['оранжевый', ['orange']],
    ['фиолетовый и purple', ['purple']],
    ['розовый, pink', ['pink']],
    ['золотой', ['gold']],
    ['golden hour', ['gold']],
    ['чёрный кот', ['black']],
    ['белый снег', ['white']],
    ['красный и синий', ['red', 'blue']],
  ])('%s → colours %j', (prompt, expected) => {
    expect(readPrompt(prompt).colours).toEqual(expected)
  })

  it('reads moods in both languages', () => {
    expect([...readPrompt('тёплый вечер').moods]).toEqual(['warm'])
    expect([...readPrompt('a warm evening').moods]).toEqual(['warm'])
    expect([...readPrompt('холодное утро').moods]).toEqual(['cold'])
    expect([...readPrompt('cold morning').moods]).toEqual(['cold'])
    expect([...readPrompt('пастельные тона').moods]).toEqual(['pastel'])
    expect([...readPrompt('pastel colours').moods]).toEqual(['pastel'])
  })

  it('reads the time of day', () => {
    expect(readPrompt('закат над морем').time).toBe('sunset')
    expect(readPrompt('sunset').time).toBe('sunset')
    expect(readPrompt('вечером').time).toBe('sunset')
    expect(readPrompt('рассвет в горах').time).toBe('dawn')
    expect(readPrompt('утро').time).toBe('dawn')
    expect(readPrompt('sunrise').time).toBe('dawn')
    expect(readPrompt('ночью').time).toBe('night')
    expect(readPrompt('at night').time).toBe('night')
    expect(readPrompt('солнечный день').time).toBe('day')
    expect(readPrompt('звёзды').time).toBe('night')
    expect(readPrompt('горы').time).toBeNull()
  })
})
