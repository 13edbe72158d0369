#!/usr/bin/env node
// Writes app/identity/common-passwords.json: passwords people pick because they
// are easy to remember, built here from well-known patterns (keyboard walks,
// digit runs, repeated characters, everyday English and Russian words in
// Cyrillic, in Latin transliteration and typed on the wrong keyboard layout,
// each with the suffixes people add). Nothing is copied from a published
// list. Re-run after editing the patterns:
//   node app/identity/build-common-passwords.mjs && npx prettier --write app/identity/common-passwords.json
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// The rules reject anything shorter anyway; bare words of 4+ characters are
// kept too, because the check also matches a listed word followed by digits
// or symbols (see password.server.ts).
const MIN_FULL = 10
const MIN_STEM = 4

// prettier-ignore
const englishWords = [
  'password', 'passw0rd', 'p@ssword', 'p@ssw0rd', 'pass', 'passwd', 'secret', 'letmein', 'welcome', 'admin',
  'administrator', 'root', 'login', 'access', 'master', 'changeme', 'default', 'qwerty', 'iloveyou', 'loveyou',
  'love', 'lovely', 'monkey', 'dragon', 'football', 'baseball', 'soccer', 'hockey', 'basketball', 'sunshine',
  'princess', 'superman', 'batman', 'spiderman', 'shadow', 'starwars', 'pokemon', 'minecraft', 'whatever',
  'computer', 'internet', 'freedom', 'trustno1', 'hello', 'helloworld', 'summer', 'winter', 'spring', 'autumn',
  'flower', 'butterfly', 'chocolate', 'cookie', 'cheese', 'banana', 'orange', 'apple', 'purple', 'yellow',
  'silver', 'golden', 'diamond', 'angel', 'angels', 'jesus', 'christ', 'heaven', 'family', 'friends', 'forever',
  'happy', 'smile', 'money', 'killer', 'hunter', 'ranger', 'tiger', 'lion', 'eagle', 'falcon', 'thunder',
  'matrix', 'mustang', 'ferrari', 'porsche', 'mercedes', 'corvette', 'harley', 'yamaha', 'samsung', 'google',
  'facebook', 'youtube', 'instagram', 'telegram', 'microsoft', 'windows', 'linux', 'ubuntu', 'server', 'system',
  'manager', 'office', 'company', 'business', 'test', 'tester', 'testing', 'guest', 'user', 'demo', 'temp',
  'abc', 'abcd', 'abcdef', 'abcdefg', 'michael', 'jennifer', 'jessica', 'daniel', 'thomas', 'robert', 'charlie',
  'jordan', 'andrew', 'joshua', 'matthew', 'william', 'george', 'ashley', 'nicole', 'amanda', 'michelle', 'maggie',
  'buster', 'bailey', 'ginger', 'pepper', 'snoopy', 'lucky', 'rocky', 'max', 'princesa', 'master', 'qazwsx',
  'zxcvbn', 'asdfgh', 'asdf', 'qwer', 'zaq1', 'palitra', 'palette', 'artist', 'picture', 'image', 'images',
  'photo', 'creative', 'painter', 'drawing',
]

// Everyday Russian words and names, written as people type them.
// prettier-ignore
const russianWords = [
  'пароль', 'привет', 'любовь', 'люблю', 'солнышко', 'солнце', 'котик', 'котенок', 'котёнок', 'кошка', 'кот',
  'зайка', 'зайчик', 'рыбка', 'ангел', 'ангелочек', 'малыш', 'малышка', 'киса', 'кисуля', 'красавица', 'принцесса',
  'россия', 'москва', 'питер', 'родина', 'мама', 'папа', 'семья', 'дети', 'сынок', 'доченька', 'дружба', 'друг',
  'счастье', 'свобода', 'победа', 'удача', 'деньги', 'работа', 'компьютер', 'интернет', 'машина', 'медведь',
  'дракон', 'лето', 'зима', 'весна', 'осень', 'цветок', 'ромашка', 'барсик', 'мурзик', 'пушистик', 'собака',
  'шарик', 'бобик', 'спартак', 'зенит', 'динамо', 'локомотив', 'админ', 'секрет', 'вход', 'логин', 'палитра',
  'наташа', 'наталья', 'светлана', 'света', 'татьяна', 'таня', 'елена', 'лена', 'ольга', 'оля', 'ирина', 'ира',
  'анастасия', 'настя', 'екатерина', 'катя', 'мария', 'маша', 'анна', 'аня', 'юлия', 'юля', 'дарья', 'даша',
  'ксения', 'ксюша', 'алина', 'кристина', 'марина', 'оксана', 'людмила', 'галина', 'надежда', 'вера',
  'александр', 'саша', 'сергей', 'сережа', 'андрей', 'алексей', 'леша', 'дмитрий', 'дима', 'максим', 'макс',
  'владимир', 'вова', 'никита', 'иван', 'ваня', 'михаил', 'миша', 'николай', 'коля', 'евгений', 'женя', 'павел',
  'паша', 'роман', 'рома', 'артем', 'артём', 'денис', 'игорь', 'олег', 'антон', 'виктор', 'юрий', 'константин',
  'йцукен', 'йцукенг', 'фывапр', 'фывапролдж', 'ячсмит', 'ячсмить', 'йцукенгшщз', 'йцукенгшщзхъ',
]

// A few phrases people use whole.
// prettier-ignore
const phrases = [
  'iloveyou', 'iloveyou2', 'loveme', 'trustme', 'letmein', 'opensesame', 'godisgood', 'jesuslovesme', 'youcantseeme',
  'mypassword', 'yourpassword', 'thepassword', 'newpassword', 'oldpassword', 'password123', 'passwordpassword',
  'welcometo', 'welcomehome', 'hellokitty', 'letmeinplease', 'nopassword', 'secretpassword', 'supersecret',
  'qwertyqwerty', 'adminadmin', 'testtest', 'useruser', 'loginlogin', 'changemenow', 'changeme123',
  'ялюблютебя', 'люблютебя', 'мойпароль', 'новыйпароль', 'парольпароль', 'простопароль', 'привет123',
]

// prettier-ignore
const keyboardWalks = [
  '1234567890', '0123456789', '0987654321', '9876543210', '12345678910', '123456789012', '1234567890123',
  '1234567890-=', '!@#$%^&*()', '1234567890qwerty', 'qwertyuiop', 'qwertyuiop[]', 'asdfghjkl', 'asdfghjkl;',
  "asdfghjkl;'", 'zxcvbnm', 'zxcvbnm,./', 'qwertyuiopasdfghjkl', 'qwertyuiopasdfghjklzxcvbnm', 'qwertyasdfgh',
  'qwertyasdfghzxcvbn', 'qwerasdfzxcv', 'asdfqwerzxcv', 'qazwsxedc', 'qazwsxedcrfv', 'qazwsxedcrfvtgb',
  '1qaz2wsx', '1qaz2wsx3edc', '1qaz2wsx3edc4rfv', '1qazxsw2', '1qazxsw23edc', 'zaq12wsx', 'zaq1xsw2',
  'zaq12wsxcde3', 'zaq1zaq1', 'zaq1zaq1zaq1', '!qaz2wsx', '!qaz@wsx', '!qaz@wsx#edc', '1q2w3e4r', '1q2w3e4r5t',
  '1q2w3e4r5t6y', '1q2w3e4r5t6y7u', '1q2w3e4r5t6y7u8i9o0p', 'q1w2e3r4', 'q1w2e3r4t5', 'q1w2e3r4t5y6', 'a1s2d3f4g5',
  'z1x2c3v4b5', 'qwe123qwe', 'qweasdzxc', 'qweasdzxc123', 'qweqweqwe', 'asdasdasd', 'zxczxczxc', '123qweasd',
  '123qweasdzxc', 'qwe123456', 'asd123456', 'zxc123456', 'qwerty123456', 'qwerty12345', 'qwerty1234',
  'qwertyui', 'qwertyu', 'poiuytrewq', 'lkjhgfdsa', 'mnbvcxz', '147258369', '1472583690', '1478963250',
  '14789632', '159753', '1597534862', '159357', '1593574862', '753951', '789456123', '7894561230', '741852963',
  '321654987', '963852741', '147852369', '123698745', '0147258369', '2580258025', 'abcdefghij', 'abcdefghijk',
  'abcdefghijklmnop', 'abcdefghijklmnopqrstuvwxyz', 'abc123abc123', 'abcabcabc', 'abcabcabcabc', 'abcd1234',
  'abcd12345', 'a1b2c3d4e5', 'a1b2c3d4e5f6', '1a2b3c4d5e', 'aa11bb22cc33', 'йцукенгшщзхъ', 'фывапролджэ',
  'ячсмитьбю', 'йцукенфываяч', 'йцуфывячс', '1йцукен', 'йцукен123', 'йфяцычувс', 'ёйцукенгшщзхъ',
]

// What people append. Every listed word also gets the common few; the most
// common words get the longer set (the stem rule covers the rest).
const commonSuffixes = ['1', '12', '123', '1234', '12345', '123456', '!', '1!', '123!', '2000', '2024', '2025']
// prettier-ignore
const moreSuffixes = [
  '1234567', '12345678', '123456789', '1234567890', '!!', '12!', '!1', '!123', '01', '11', '13', '21', '22', '23',
  '69', '77', '88', '99', '00', '007', '111', '777', '666', '000', '321', '@1', '@123', '_1', '_123', '.1', '#1',
  '$', '1q2w3e', 'qwerty', '2001', '2002', '2003', '2004', '2005', '2010', '2015', '2020', '2021', '2022', '2023',
  '2026', '1980', '1985', '1987', '1988', '1989', '1990', '1991', '1992', '1993', '1994', '1995', '1996', '1997',
  '1998', '1999',
]
// prettier-ignore
const topWords = [
  'password', 'passw0rd', 'p@ssword', 'p@ssw0rd', 'qwerty', 'iloveyou', 'welcome', 'admin', 'letmein', 'monkey',
  'dragon', 'football', 'sunshine', 'princess', 'master', 'shadow', 'superman', 'palitra', 'пароль', 'parol',
  'gfhjkm', 'привет', 'privet', 'ghbdtn', 'любовь', 'lubov', 'lyubov', 'йцукен', 'qwerty', 'solnyshko', 'солнышко',
]

// Russian letters → the keys they sit on in the Latin layout (ЙЦУКЕН over
// QWERTY): "пароль" typed with the wrong layout on is "gfhjkm".
// prettier-ignore
const layout = {
  й: 'q', ц: 'w', у: 'e', к: 'r', е: 't', н: 'y', г: 'u', ш: 'i', щ: 'o', з: 'p', х: '[', ъ: ']', ф: 'a', ы: 's',
  в: 'd', а: 'f', п: 'g', р: 'h', о: 'j', л: 'k', д: 'l', ж: ';', э: "'", я: 'z', ч: 'x', с: 'c', м: 'v', и: 'b',
  т: 'n', ь: 'm', б: ',', ю: '.', ё: '`',
}

// Two common ways of writing Russian in Latin letters.
// prettier-ignore
const translit = [
  {
    а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
    н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', ш: 'sh', щ: 'sch',
    ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  },
  {
    а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'j', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
    н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
    ъ: '', ы: 'i', ь: '', э: 'e', ю: 'iu', я: 'ia',
  },
]

function mapLetters(word, table) {
  return [...word.toLowerCase()].map((ch) => table[ch] ?? ch).join('')
}

const entries = new Set()
const add = (value) => {
  const v = value.normalize('NFKC').toLowerCase()
  if (v.length >= MIN_FULL && v.length <= 64) entries.add(v)
}
const addStem = (value) => {
  const v = value.normalize('NFKC').toLowerCase()
  if (v.length >= MIN_STEM && v.length <= 64) entries.add(v)
}

const latinBases = new Set(englishWords)
const cyrillicBases = new Set(russianWords)
for (const word of russianWords) {
  for (const table of translit) latinBases.add(mapLetters(word, table))
  latinBases.add(mapLetters(word, layout))
}

for (const base of [...latinBases, ...cyrillicBases]) {
  addStem(base)
  for (const suffix of commonSuffixes) add(base + suffix)
  add(base + base)
}
for (const base of topWords) {
  for (const suffix of moreSuffixes) add(base + suffix)
  add(base + base + base)
  add(`${base}${base}123`)
}
for (const base of englishWords) {
  add(`ilove${base}`)
  add(`my${base}`)
}
for (const base of cyrillicBases) add(`ялюблю${base}`)
for (const phrase of phrases) {
  addStem(phrase)
  for (const suffix of ['', '1', '12', '123', '1234', '!', '2024', '2025']) add(phrase + suffix)
}
for (const walk of keyboardWalks) {
  addStem(walk)
  add(walk)
  add(walk + walk)
  for (const suffix of ['1', '12', '123', '!', '1!']) add(walk + suffix)
}

// Repeated characters and short repeated groups, 10 to 16 long.
const repeatable = [...'0123456789abcdefghijklmnopqrstuvwxyz!@#$%*.-_йфяцычувсаепмнритгоьшлбщдюзжхэъ']
for (const ch of repeatable) for (let n = MIN_FULL; n <= 16; n++) add(ch.repeat(n))
for (const group of [
  '12',
  '123',
  '1234',
  '12345',
  '21',
  '321',
  '01',
  '10',
  '69',
  'ab',
  'abc',
  'qw',
  'qwe',
  'xo',
  'ha',
  'ха',
  'ля',
  'lol',
]) {
  for (let n = 2; n * group.length <= 20; n++) add(group.repeat(n))
}
// Runs of consecutive digits, up and down, from every start.
const digits = '0123456789012345678901234567890'
const down = '9876543210987654321098765432109'
for (let start = 0; start < 10; start++) {
  for (let len = MIN_FULL; len <= 20; len++) {
    add(digits.slice(start, start + len))
    add(down.slice(start, start + len))
  }
}
// Doubled digits (1122334455…) and mirrored runs (1234554321).
for (let len = 5; len <= 10; len++) {
  const run = '1234567890'.slice(0, len)
  add([...run].map((d) => d + d).join(''))
  add(run + [...run].reverse().join(''))
  add(run + run)
}
// Dates people write with separators (ten characters: dd.mm.yyyy): New Year,
// the turn of the century and a few memorable days.
for (const year of ['1945', '1961', '1980', '1990', '1999', '2000', '2001', '2010', '2020', '2024', '2025']) {
  for (const day of ['01.01.', '31.12.', '09.05.', '08.03.', '23.02.', '12.06.', '01.09.', '14.02.']) {
    add(day + year)
    add(day.replaceAll('.', '/') + year)
    add(day.replaceAll('.', '-') + year)
  }
}

const sorted = [...entries].sort()
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'common-passwords.json')
fs.writeFileSync(out, `${JSON.stringify(sorted)}\n`)
console.log(`wrote ${sorted.length} entries to ${path.relative(process.cwd(), out)}`)
