/**
 * How the local engine reads a prompt: which scene elements, colours, moods
 * and time of day its words name, in Russian and English. Words are matched
 * by stem so that word forms count (море, моря, морем; mountains), with a
 * list of look-alikes each entry refuses (город is not гора, мороз is not
 * море). A word counts for at most one entry of each table.
 */

export type SceneElement =
  | 'sky'
  | 'clouds'
  | 'sun'
  | 'sea'
  | 'mountains'
  | 'forest'
  | 'city'
  | 'stars'
  | 'moon'
  | 'portrait'
  | 'flowers'
  | 'snow'
  | 'desert'
  | 'field'

export type TimeOfDay = 'day' | 'dawn' | 'sunset' | 'night'

export type ColourName =
  | 'red'
  | 'orange'
  | 'yellow'
  | 'gold'
  | 'green'
  | 'turquoise'
  | 'blue'
  | 'lightblue'
  | 'purple'
  | 'pink'
  | 'brown'
  | 'black'
  | 'white'
  | 'grey'
  | 'silver'

export type Mood = 'warm' | 'cold' | 'pastel' | 'bright' | 'gloomy'

export type PromptReading = {
  elements: Set<SceneElement>
  /** In the order the prompt names them; the first leads. */
  colours: ColourName[]
  moods: Set<Mood>
  /** Null when the prompt does not say. */
  time: TimeOfDay | null
  /** The words of the prompt, lower case, ё read as е. */
  words: string[]
}

/**
 * One meaning: `stems` match the start of a word, `words` match whole words
 * only (short or ambiguous ones), `not` are stems of look-alikes that never match.
 */
type Entry<T> = { means: T; stems?: string[]; words?: string[]; not?: string[] }

export const ELEMENT_WORDS: readonly Entry<SceneElement>[] = [
  {
    means: 'sea',
    stems: ['мор', 'океан', 'волн', 'пляж', 'побереж', 'залив', 'озер', 'речн', 'речк', 'пруд', 'водопад'],
    words: [
      'река',
      'реки',
      'реке',
      'реку',
      'рекой',
      'вода',
      'воды',
      'воде',
      'воду',
      'водой',
      'берег',
      'берега',
      'берегу',
      'прибой',
      'прибоя',
    ],
    not: ['морков', 'мороз', 'морд', 'морщ', 'морг', 'мороже', 'морал', 'морос', 'морф'],
  },
  {
    means: 'sea',
    stems: ['sea', 'ocean', 'wave', 'beach', 'coast', 'shore', 'lake', 'river', 'pond', 'waterfall', 'surf'],
    words: ['bay', 'water', 'waters'],
    not: ['season', 'seat', 'search', 'seam', 'sear'],
  },
  {
    means: 'mountains',
    stems: ['горн', 'гористы', 'скал', 'утес', 'вершин', 'хребт', 'хребе', 'холм', 'альп', 'кавказ', 'эльбрус'],
    words: ['гора', 'горы', 'гор', 'горе', 'гору', 'горой', 'горам', 'горами', 'горах', 'хребет', 'пик', 'пики'],
    not: ['горнич', 'горнос'],
  },
  {
    means: 'mountains',
    stems: ['mountain', 'hill', 'peak', 'alps', 'alpine', 'cliff', 'summit', 'ridge', 'himalaya'],
    words: ['mount', 'rock', 'rocks', 'rocky'],
  },
  {
    means: 'forest',
    stems: ['лес', 'дерев', 'елк', 'елов', 'ельник', 'сосн', 'берез', 'дуб', 'тайг', 'рощ', 'джунгл', 'пальм', 'клен'],
    words: ['ель', 'ели', 'елей', 'елью', 'парк', 'парке', 'парка'],
    not: ['лестн', 'лест', 'лесс', 'дубл', 'деревн'],
  },
  {
    means: 'forest',
    stems: ['forest', 'tree', 'wood', 'pine', 'jungle', 'oak', 'birch', 'spruce', 'taiga', 'palm', 'grove'],
    words: ['park'],
    not: ['wooden'],
  },
  {
    means: 'city',
    stems: [
      'город',
      'улиц',
      'здани',
      'небоскреб',
      'мегаполис',
      'москв',
      'петербург',
      'домик',
      'многоэтаж',
      'квартал',
      'проспект',
      'мост',
      'башн',
    ],
    words: ['дом', 'дома', 'домов', 'домами', 'домах'],
    not: ['мостик'],
  },
  {
    means: 'city',
    stems: [
      'city',
      'cities',
      'town',
      'street',
      'building',
      'skyline',
      'skyscraper',
      'downtown',
      'metropol',
      'urban',
      'tower',
      'bridge',
      'roof',
    ],
    words: ['house', 'houses', 'village'],
  },
  {
    means: 'stars',
    stems: ['звезд', 'звездн', 'галакт', 'космос', 'космич', 'млечн', 'созвезд'],
    words: ['star', 'stars', 'starry', 'starlit', 'galaxy', 'galaxies', 'cosmos', 'space', 'milky', 'constellation'],
  },
  {
    means: 'moon',
    stems: ['лун', 'moon', 'полнолун', 'месяц'],
    not: ['лунк'],
  },
  {
    means: 'sun',
    stems: ['солн', 'sun'],
    not: ['sunday', 'sunflower'],
  },
  {
    means: 'clouds',
    stems: ['облак', 'облач', 'туч', 'cloud', 'туман', 'fog', 'mist'],
  },
  { means: 'sky', stems: ['неб', 'sky', 'skies', 'небес'], not: ['небоскреб', 'skyscraper', 'skyline'] },
  {
    means: 'portrait',
    stems: [
      'портрет',
      'автопортрет',
      'лиц',
      'девушк',
      'женщин',
      'мужчин',
      'человек',
      'люд',
      'красавиц',
      'королев',
      'принцесс',
      'рыцар',
      'бабушк',
      'дедушк',
      'селфи',
    ],
    words: ['парень', 'парня', 'парнем', 'парни', 'дама', 'даму', 'дамы', 'дамой'],
    not: ['лицен', 'лицей', 'лицем', 'людоед'],
  },
  {
    means: 'portrait',
    stems: [
      'portrait',
      'selfie',
      'person',
      'people',
      'woman',
      'women',
      'girl',
      'lady',
      'ladies',
      'queen',
      'princess',
      'knight',
      'face',
    ],
    words: ['man', 'men', 'boy', 'guy', 'head'],
    not: ['facet'],
  },
  {
    means: 'flowers',
    stems: [
      'цветок',
      'цветоч',
      'цветущ',
      'тюльпан',
      'ромаш',
      'пион',
      'сирен',
      'сакур',
      'лаванд',
      'подсолнух',
      'букет',
      'клумб',
      'орхиде',
      'лили',
    ],
    words: [
      'цветы',
      'цветов',
      'цветами',
      'цветах',
      'роза',
      'розы',
      'роз',
      'розами',
      'розах',
      'сад',
      'сада',
      'саду',
      'садом',
      'сады',
      'садов',
      'мак',
      'маки',
      'маков',
      'маками',
    ],
    not: ['пионер', 'сирена', 'сиренев', 'лилов'],
  },
  {
    means: 'flowers',
    stems: [
      'flower',
      'floral',
      'garden',
      'rose',
      'tulip',
      'bloom',
      'blossom',
      'sakura',
      'poppy',
      'poppies',
      'lavender',
      'sunflower',
      'bouquet',
      'daisy',
      'daisies',
      'orchid',
      'lily',
      'lilies',
      'peony',
      'peonies',
    ],
  },
  {
    means: 'snow',
    stems: ['снег', 'снеж', 'зим', 'мороз', 'метел', 'вьюг', 'сугроб', 'лед', 'льд', 'иней', 'новогод', 'рождеств'],
    not: ['ледени', 'леди'],
  },
  { means: 'snow', stems: ['snow', 'winter', 'frost', 'frozen', 'ice', 'icy', 'blizzard', 'christmas'], not: ['iced'] },
  {
    means: 'desert',
    stems: ['пустын', 'песок', 'песк', 'песч', 'дюн', 'бархан', 'кактус', 'оазис', 'верблюд', 'египет', 'пирамид'],
    words: ['сахара', 'сахаре', 'сахару', 'сахарой'],
  },
  {
    means: 'desert',
    stems: ['desert', 'sand', 'dune', 'cactus', 'cacti', 'sahara', 'oasis', 'camel', 'pyramid', 'egypt'],
    not: ['sandwich', 'sandal'],
  },
  {
    means: 'field',
    stems: ['луг', 'степ', 'трав', 'долин', 'равнин', 'пшениц', 'деревн'],
    words: ['поле', 'поля', 'полей', 'полем', 'полях', 'полю', 'нива'],
    not: ['степен', 'травм'],
  },
  {
    means: 'field',
    stems: ['field', 'meadow', 'grass', 'valley', 'prairie', 'steppe', 'wheat', 'countryside', 'farm'],
  },
]

export const TIME_WORDS: readonly Entry<TimeOfDay>[] = [
  {
    means: 'night',
    stems: ['ноч', 'полноч', 'night', 'midnight', 'звездн'],
    words: ['starry'],
  },
  { means: 'sunset', stems: ['закат', 'вечер', 'сумер', 'sunset', 'dusk', 'evening', 'twilight', 'заход'] },
  {
    means: 'dawn',
    stems: ['рассвет', 'восход', 'утр', 'sunrise', 'dawn', 'morning', 'daybreak'],
    not: ['утрат'],
    words: ['заря', 'зари', 'зарю', 'зарей', 'зарею'],
  },
  {
    means: 'day',
    stems: ['днев', 'полдень', 'полудн', 'солнечн', 'sunny', 'noon', 'midday', 'daylight', 'daytime'],
    words: ['день', 'днем', 'дня', 'day'],
  },
]

export const COLOUR_WORDS: readonly Entry<ColourName>[] = [
  {
    means: 'red',
    stems: ['красн', 'алы', 'алая', 'алое', 'багров', 'багрян', 'scarlet', 'crimson', 'ruby', 'рубин'],
    words: ['red', 'reds', 'алый', 'алых', 'алым'],
  },
  { means: 'orange', stems: ['оранж', 'апельсин', 'рыж', 'orange', 'amber', 'янтар', 'ginger'] },
  { means: 'yellow', stems: ['желт', 'лимон', 'yellow', 'lemon'] },
  { means: 'gold', stems: ['золот', 'gold'] },
  { means: 'green', stems: ['зелен', 'изумруд', 'салатов', 'green', 'emerald', 'мятн', 'mint'] },
  { means: 'turquoise', stems: ['бирюз', 'turquoise', 'teal', 'cyan', 'aqua', 'лазур', 'azure'] },
  {
    means: 'blue',
    stems: ['син', 'ультрамарин', 'blue', 'navy', 'indigo', 'индиго', 'sapphire', 'сапфир'],
    not: ['синт', 'синон', 'синх', 'синдр', 'синаг'],
  },
  { means: 'lightblue', stems: ['голуб', 'небесно'] },
  {
    means: 'purple',
    stems: [
      'фиолет',
      'лилов',
      'сиренев',
      'пурпур',
      'purple',
      'violet',
      'lilac',
      'magenta',
      'маджент',
      'аметист',
      'amethyst',
    ],
  },
  { means: 'pink', stems: ['розов', 'pink', 'rosy', 'fuchsia', 'фукси', 'малинов'] },
  { means: 'brown', stems: ['коричн', 'шоколад', 'brown', 'chocolate', 'кофейн', 'бурый', 'бурая'] },
  { means: 'black', stems: ['черн', 'black', 'угольн'], not: ['черник', 'чернил'] },
  {
    means: 'white',
    stems: ['белоснеж', 'white', 'молочн', 'snowy'],
    words: ['белый', 'белая', 'белое', 'белые', 'белого', 'белой', 'белым', 'белых', 'белом', 'белую', 'белыми', 'бел'],
  },
  {
    means: 'grey',
    stems: ['grey', 'gray', 'пепельн', 'ashen', 'сероват'],
    words: ['серый', 'серая', 'серое', 'серые', 'серого', 'серой', 'серым', 'серых', 'серую', 'серыми', 'серо'],
  },
  { means: 'silver', stems: ['серебр', 'silver'] },
]

export const MOOD_WORDS: readonly Entry<Mood>[] = [
  { means: 'warm', stems: ['тепл', 'теплы', 'уютн', 'уют', 'жарк', 'знойн', 'warm', 'cozy', 'cosy', 'hot'] },
  { means: 'cold', stems: ['холод', 'прохлад', 'студен', 'ледян', 'cold', 'cool', 'chill', 'icy'] },
  { means: 'pastel', stems: ['пастел', 'нежн', 'пастельн', 'pastel', 'soft', 'gentle', 'delicate', 'dreamy', 'мягк'] },
  {
    means: 'bright',
    stems: [
      'ярк',
      'сочн',
      'насыщ',
      'bright',
      'vivid',
      'vibrant',
      'colorful',
      'colourful',
      'разноцвет',
      'радуж',
      'rainbow',
    ],
  },
  {
    means: 'gloomy',
    stems: ['мрачн', 'темн', 'сумрач', 'хмур', 'dark', 'gloomy', 'moody', 'grim', 'шторм', 'гроз', 'storm'],
  },
]

/** Lower case, ё as е, split into words of letters and digits. */
export function promptWords(prompt: string): string[] {
  return prompt
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
}

function entryMatches<T>(entry: Entry<T>, word: string): boolean {
  if (entry.not?.some((stem) => word.startsWith(stem))) return false
  return Boolean(entry.words?.includes(word) || entry.stems?.some((stem) => word.startsWith(stem)))
}

/** What each word of the table names, in the order the words come. */
export function matchWords<T>(table: readonly Entry<T>[], words: readonly string[]): T[] {
  const found: T[] = []
  for (const word of words) {
    const entry = table.find((e) => entryMatches(e, word))
    if (entry) found.push(entry.means)
  }
  return found
}

export function readPrompt(prompt: string): PromptReading {
  const words = promptWords(prompt)
  const elements = new Set(matchWords(ELEMENT_WORDS, words))
  const colours = [...new Set(matchWords(COLOUR_WORDS, words))]
  const moods = new Set(matchWords(MOOD_WORDS, words))
  const times = matchWords(TIME_WORDS, words)
  let time: TimeOfDay | null = times[0] ?? null
  // Stars and the moon belong to the night unless the prompt names another time.
  if (!time && (elements.has('stars') || elements.has('moon'))) time = 'night'
  return { elements, colours, moods, time, words }
}
