//! Planted reuse in ten languages and seven scripts: per language, recall
//! and precision of reused sentences and passages. Run:
//! `cargo bench --bench languages` (add `-- --quick` for one seed).
//!
//! Each language has 40-odd words written for this benchmark (content
//! words of news text), grown to a vocabulary of 3,000 by joining pieces of
//! them, drawn with a Zipf-like law; and its own sentence punctuation and
//! word separator (none for Chinese, Japanese and Thai; Thai separates
//! sentences by a space). For each seed and language three documents are made:
//! * a source of 24 sentences;
//! * a reuse that takes every source sentence in turn verbatim, edited (one
//!   word replaced, one dropped), dropped, or replaced by a sentence of its
//!   own, plus four added sentences of its own;
//! * an unrelated document of 24 sentences from the same vocabulary (a
//!   control: anything it shares is a false positive).
//!
//! `Chinese/c` and `Japanese/c` are the same texts with a space between
//! every character: characters as word units instead of dictionary words.
//!
//! Measured with the default `compare` settings (languages detected):
//! verbatim and edited recall (the planted pair in one verbatim / near
//! group), sentence false positives (any shared pair that was not
//! planted), passage recall (planted copies at least half covered by a
//! source-reuse passage), passage precision (share of source-reuse passage
//! bytes, on both sides, that lie in planted sentences; the aligner joins
//! copies one or two sentences apart into one passage, so dropped and
//! added sentences between copies count against it) and passages with the
//! unrelated document. The benchmark fails if verbatim recall is below 1 or
//! any unplanted sentence pair is shared.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use syndic::compare::{CompareConfig, Comparer, Kind};
use syndic::source::InputDoc;

struct Lang {
    name: &'static str,
    script: &'static str,
    /// Between words.
    sep: &'static str,
    /// Ends a sentence.
    stop: &'static str,
    /// Between sentences.
    gap: &'static str,
    capitalise: bool,
    /// Render with a space between every character: the *characters as
    /// units* alternative to dictionary words, for Chinese and Japanese.
    char_units: bool,
    words: &'static str,
}

const LANGS: &[Lang] = &[
    Lang { name: "English", script: "Latin", sep: " ", stop: ".", gap: " ", capitalise: true, char_units: false,
        words: "minister council budget hospital river bridge election parliament harbour railway farmers prices inflation workers strike factory village mountain winter flood drought police court judge museum library students teachers school tourism airport engineers contract pipeline reservoir vaccine clinic doctors nurses soldiers border treaty festival theatre orchestra" },
    Lang { name: "Spanish", script: "Latin", sep: " ", stop: ".", gap: " ", capitalise: true, char_units: false,
        words: "ministro gobierno presupuesto hospital puente elecciones parlamento puerto ferrocarril agricultores precios inflación trabajadores huelga fábrica pueblo montaña invierno inundación sequía policía tribunal juez museo biblioteca estudiantes profesores escuela turismo aeropuerto ingenieros contrato embalse vacuna clínica médicos enfermeras soldados frontera tratado festival teatro orquesta" },
    Lang { name: "Russian", script: "Cyrillic", sep: " ", stop: ".", gap: " ", capitalise: true, char_units: false,
        words: "министр правительство бюджет больница мост выборы парламент порт железная фермеры цены инфляция рабочие забастовка завод деревня горы зима наводнение засуха полиция суд судья музей библиотека студенты учителя школа туризм аэропорт инженеры контракт трубопровод водохранилище вакцина клиника врачи медсестры солдаты граница договор фестиваль театр оркестр" },
    Lang { name: "Greek", script: "Greek", sep: " ", stop: ".", gap: " ", capitalise: true, char_units: false,
        words: "υπουργός κυβέρνηση προϋπολογισμός νοσοκομείο γέφυρα εκλογές βουλή λιμάνι σιδηρόδρομος αγρότες τιμές πληθωρισμός εργάτες απεργία εργοστάσιο χωριό βουνό χειμώνας πλημμύρα ξηρασία αστυνομία δικαστήριο δικαστής μουσείο βιβλιοθήκη φοιτητές δάσκαλοι σχολείο τουρισμός αεροδρόμιο μηχανικοί σύμβαση αγωγός ταμιευτήρας εμβόλιο κλινική γιατροί νοσηλευτές στρατιώτες σύνορα συνθήκη φεστιβάλ θέατρο ορχήστρα" },
    Lang { name: "Arabic", script: "Arabic", sep: " ", stop: ".", gap: " ", capitalise: false, char_units: false,
        words: "الوزير الحكومة الميزانية المستشفى الجسر الانتخابات البرلمان الميناء القطار المزارعون الأسعار التضخم العمال الإضراب المصنع القرية الجبل الشتاء الفيضان الجفاف الشرطة المحكمة القاضي المتحف المكتبة الطلاب المعلمون المدرسة السياحة المطار المهندسون العقد الأنبوب الخزان اللقاح العيادة الأطباء الممرضات الجنود الحدود المعاهدة المهرجان المسرح الأوركسترا" },
    Lang { name: "Urdu", script: "Arabic", sep: " ", stop: "۔", gap: " ", capitalise: false, char_units: false,
        words: "وزیر حکومت بجٹ ہسپتال پل انتخابات پارلیمنٹ بندرگاہ ریلوے کسان قیمتیں مہنگائی مزدور ہڑتال کارخانہ گاؤں پہاڑ سردی سیلاب خشک‌سالی پولیس عدالت جج عجائب‌گھر کتب‌خانہ طلبہ اساتذہ سکول سیاحت ہوائی‌اڈہ انجینئر معاہدہ پائپ‌لائن ذخیرہ ویکسین کلینک ڈاکٹر نرسیں فوجی سرحد میلہ تھیٹر" },
    Lang { name: "Hindi", script: "Devanagari", sep: " ", stop: "।", gap: " ", capitalise: false, char_units: false,
        words: "मंत्री सरकार बजट अस्पताल पुल चुनाव संसद बंदरगाह रेलवे किसान कीमतें महंगाई मजदूर हड़ताल कारखाना गांव पहाड़ सर्दी बाढ़ सूखा पुलिस अदालत न्यायाधीश संग्रहालय पुस्तकालय छात्र शिक्षक विद्यालय पर्यटन हवाईअड्डा इंजीनियर अनुबंध पाइपलाइन जलाशय टीका चिकित्सालय डॉक्टर नर्स सैनिक सीमा संधि उत्सव रंगमंच" },
    Lang { name: "Chinese", script: "Han", sep: "", stop: "。", gap: "", capitalise: false, char_units: false,
        words: "部长 政府 预算 医院 大桥 选举 议会 港口 铁路 农民 价格 通货膨胀 工人 罢工 工厂 村庄 山区 冬天 洪水 干旱 警察 法院 法官 博物馆 图书馆 学生 教师 学校 旅游 机场 工程师 合同 管道 水库 疫苗 诊所 医生 护士 士兵 边境 条约 节日 剧院 乐团" },
    Lang { name: "Japanese", script: "Han+Kana", sep: "", stop: "。", gap: "", capitalise: false, char_units: false,
        words: "大臣 政府 予算 病院 橋 選挙 国会 港 鉄道 農家 物価 インフレ 労働者 ストライキ 工場 村 山 冬 洪水 干ばつ 警察 裁判所 裁判官 博物館 図書館 学生 教師 学校 観光 空港 技術者 契約 パイプライン 貯水池 ワクチン 診療所 医師 看護師 兵士 国境 条約 祭り 劇場 オーケストラ" },
    Lang { name: "Thai", script: "Thai", sep: "", stop: "", gap: " ", capitalise: false, char_units: false,
        words: "รัฐมนตรี รัฐบาล งบประมาณ โรงพยาบาล สะพาน การเลือกตั้ง รัฐสภา ท่าเรือ รถไฟ เกษตรกร ราคา เงินเฟ้อ คนงาน โรงงาน หมู่บ้าน ภูเขา ฤดูหนาว น้ำท่วม ภัยแล้ง ตำรวจ ศาล ผู้พิพากษา พิพิธภัณฑ์ ห้องสมุด นักเรียน ครู โรงเรียน การท่องเที่ยว สนามบิน วิศวกร สัญญา ท่อส่ง อ่างเก็บน้ำ วัคซีน คลินิก แพทย์ พยาบาล ทหาร ชายแดน สนธิสัญญา เทศกาล โรงละคร" },
    Lang { name: "Chinese/c", script: "Han", sep: "", stop: "。", gap: "", capitalise: false, char_units: true,
        words: "部长 政府 预算 医院 大桥 选举 议会 港口 铁路 农民 价格 通货膨胀 工人 罢工 工厂 村庄 山区 冬天 洪水 干旱 警察 法院 法官 博物馆 图书馆 学生 教师 学校 旅游 机场 工程师 合同 管道 水库 疫苗 诊所 医生 护士 士兵 边境 条约 节日 剧院 乐团" },
    Lang { name: "Japanese/c", script: "Han+Kana", sep: "", stop: "。", gap: "", capitalise: false, char_units: true,
        words: "大臣 政府 予算 病院 橋 選挙 国会 港 鉄道 農家 物価 インフレ 労働者 ストライキ 工場 村 山 冬 洪水 干ばつ 警察 裁判所 裁判官 博物館 図書館 学生 教師 学校 観光 空港 技術者 契約 パイプライン 貯水池 ワクチン 診療所 医師 看護師 兵士 国境 条約 祭り 劇場 オーケストラ" },
];

/// Words of the language: the written ones first, then 3,000 more made by
/// joining two or three pieces of them (two characters each; one for Han
/// and Kana), so that the vocabulary has the size and the character
/// statistics of real text, drawn with a Zipf-like law.
struct Vocab {
    words: Vec<String>,
    /// Cumulative weights, `1 / (rank + 10)`.
    cumulative: Vec<f64>,
}

impl Vocab {
    fn new(l: &Lang, rng: &mut ChaCha8Rng) -> Vocab {
        let real: Vec<&str> = l.words.split(' ').collect();
        let piece = if l.sep.is_empty() && l.script != "Thai" {
            1
        } else {
            2
        };
        let pieces: Vec<String> = real
            .iter()
            .flat_map(|w| {
                let cs: Vec<char> = w.chars().collect();
                cs.chunks(piece)
                    .map(|c| c.iter().collect::<String>())
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut words: Vec<String> = real.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < real.len() + 3000 {
            let k = rng.gen_range(2..=3);
            let w: String = (0..k)
                .map(|_| pieces.choose(rng).unwrap().as_str())
                .collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut cumulative = Vec::with_capacity(words.len());
        let mut total = 0.0;
        for r in 0..words.len() {
            total += 1.0 / (r as f64 + 10.0);
            cumulative.push(total);
        }
        Vocab { words, cumulative }
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> &str {
        let x = rng.gen::<f64>() * self.cumulative.last().unwrap();
        let i = self.cumulative.partition_point(|&c| c < x);
        &self.words[i.min(self.words.len() - 1)]
    }
}

/// One sentence of 10 to 16 words.
fn sentence(vocab: &Vocab, rng: &mut ChaCha8Rng) -> Vec<String> {
    let n = rng.gen_range(10..=16);
    (0..n).map(|_| vocab.pick(rng).to_string()).collect()
}

fn render(l: &Lang, words: &[String]) -> String {
    let mut s = words.join(l.sep);
    if l.char_units {
        s = s
            .chars()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(" ");
    }
    if l.capitalise {
        let mut c = s.chars();
        let first: String = c
            .next()
            .map(|f| f.to_uppercase().collect())
            .unwrap_or_default();
        s = first + c.as_str();
    }
    s + l.stop
}

/// A document built sentence by sentence, with each sentence's byte span.
#[derive(Default)]
struct Doc {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Doc {
    fn push(&mut self, l: &Lang, s: &str) -> usize {
        if !self.text.is_empty() {
            // A paragraph break every fourth sentence.
            self.text.push_str(if self.spans.len().is_multiple_of(4) {
                "\n\n"
            } else {
                l.gap
            });
        }
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push((start, self.text.len()));
        self.spans.len() - 1
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Verbatim,
    Edited,
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// The planted sentence of `doc` that a reported span covers mostly.
fn which(doc: &Doc, span: (usize, usize)) -> Option<usize> {
    doc.spans
        .iter()
        .position(|&s| overlap(s, span) * 2 > (s.1 - s.0).max(span.1 - span.0))
}

#[derive(Default, Debug)]
struct Score {
    verbatim: (usize, usize),
    edited: (usize, usize),
    false_pairs: usize,
    passage_copies: (usize, usize),
    passage_bytes: (usize, usize),
    /// Passages with the unrelated document.
    false_passages: usize,
    languages: String,
}

fn run(l: &Lang, seed: u64, comparer: &Comparer) -> Score {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let vocab = Vocab::new(l, &mut rng);
    let mut source = Doc::default();
    let mut reuse = Doc::default();
    let mut unrelated = Doc::default();
    // (source sentence, reuse sentence, role)
    let mut planted: Vec<(usize, usize, Role)> = Vec::new();
    for i in 0..24 {
        let words = sentence(&vocab, &mut rng);
        let s = source.push(l, &render(l, &words));
        match i % 4 {
            0 => planted.push((s, reuse.push(l, &render(l, &words)), Role::Verbatim)),
            1 => {
                let mut w = words.clone();
                let k = rng.gen_range(0..w.len());
                let fresh = loop {
                    let c = vocab.pick(&mut rng);
                    if !w.iter().any(|x| x == c) {
                        break c.to_string();
                    }
                };
                w[k] = fresh;
                let d = rng.gen_range(0..w.len());
                w.remove(d);
                planted.push((s, reuse.push(l, &render(l, &w)), Role::Edited));
            }
            2 => {} // dropped
            _ => {
                reuse.push(l, &render(l, &sentence(&vocab, &mut rng)));
            }
        }
        if i % 6 == 5 {
            reuse.push(l, &render(l, &sentence(&vocab, &mut rng))); // added
        }
        unrelated.push(l, &render(l, &sentence(&vocab, &mut rng)));
    }
    for d in [&mut source, &mut reuse, &mut unrelated] {
        d.text.push('\n');
    }
    let docs = vec![
        InputDoc::new("source", "source", source.text.clone()),
        InputDoc::new("reuse", "reuse", reuse.text.clone()),
        InputDoc::new("unrelated", "unrelated", unrelated.text.clone()),
    ];
    let r = comparer.compare(docs).expect("compare");
    let by_id = |id: &str| match id {
        "source" => &source,
        "reuse" => &reuse,
        _ => &unrelated,
    };
    let mut score = Score {
        languages: r
            .documents
            .iter()
            .map(|d| d.language.code)
            .collect::<Vec<_>>()
            .join("/"),
        ..Score::default()
    };
    // Sentence pairs found: (source sentence, reuse sentence, kind).
    let mut found: Vec<(usize, usize, Kind)> = Vec::new();
    for g in r.shared.iter().filter(|g| g.kind != Kind::Boilerplate) {
        for a in &g.members {
            for b in &g.members {
                if a.doc == "source" && b.doc != "source" {
                    let sa = which(&source, (a.start, a.end));
                    let sb = which(by_id(&b.doc), (b.start, b.end));
                    match (b.doc.as_str(), sa, sb) {
                        ("reuse", Some(x), Some(y))
                            if planted.iter().any(|p| (p.0, p.1) == (x, y)) =>
                        {
                            found.push((x, y, g.kind))
                        }
                        _ => {
                            if std::env::var_os("LANGUAGES_DEBUG").is_some() {
                                eprintln!("false pair ({:?}): {:?} | {:?}", g.kind, a.text, b.text);
                            }
                            score.false_pairs += 1
                        }
                    }
                } else if a.doc == "reuse" && b.doc == "unrelated" {
                    score.false_pairs += 1;
                }
            }
        }
    }
    for &(s, t, role) in &planted {
        let hit = found.iter().any(|&(x, y, _)| (x, y) == (s, t));
        let slot = match role {
            Role::Verbatim => &mut score.verbatim,
            Role::Edited => &mut score.edited,
        };
        slot.1 += 1;
        slot.0 += hit as usize;
    }
    // Passages.
    let planted_reuse: Vec<usize> = planted.iter().map(|p| p.1).collect();
    let planted_source: Vec<usize> = planted.iter().map(|p| p.0).collect();
    let mut covered = vec![0usize; reuse.spans.len()];
    for p in &r.passages {
        if std::env::var_os("LANGUAGES_DEBUG").is_some() {
            eprintln!(
                "passage {:?} {}:{}..{} {}:{}..{}",
                p.edit, p.a.doc, p.a.start, p.a.end, p.b.doc, p.b.start, p.b.end
            );
        }
        let sides = [&p.a, &p.b];
        if sides.iter().any(|s| s.doc == "unrelated") {
            score.false_passages += 1;
            continue;
        }
        for s in sides {
            let (doc, wanted) = if s.doc == "source" {
                (&source, &planted_source)
            } else {
                (&reuse, &planted_reuse)
            };
            let span = (s.start, s.end);
            score.passage_bytes.1 += s.end - s.start;
            for &i in wanted.iter() {
                let o = overlap(doc.spans[i], span);
                score.passage_bytes.0 += o;
                if s.doc == "reuse" {
                    covered[i] += o;
                }
            }
        }
    }
    for &i in &planted_reuse {
        let (a, b) = reuse.spans[i];
        score.passage_copies.1 += 1;
        score.passage_copies.0 += (covered[i] * 2 >= b - a) as usize;
    }
    score
}

fn ratio((a, b): (usize, usize)) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let seeds: Vec<u64> = if quick { vec![1] } else { (1..=5).collect() };
    let comparer = Comparer::new(CompareConfig::default()).unwrap();
    println!(
        "languages benchmark: {} languages, {} seeds, 3 documents of 24-28 sentences each per run",
        LANGS.len(),
        seeds.len()
    );
    println!(
        "{:<9} {:<10} {:>9} {:>8} {:>8} {:>9} {:>9} {:>8}  detected",
        "language", "script", "verbatim", "edited", "false+", "p.recall", "p.precis", "p.false"
    );
    let mut failed = Vec::new();
    let t0 = std::time::Instant::now();
    for l in LANGS {
        let mut total = Score::default();
        let mut detected = std::collections::BTreeSet::new();
        for &seed in &seeds {
            let s = run(l, seed, &comparer);
            total.verbatim.0 += s.verbatim.0;
            total.verbatim.1 += s.verbatim.1;
            total.edited.0 += s.edited.0;
            total.edited.1 += s.edited.1;
            total.false_pairs += s.false_pairs;
            total.passage_copies.0 += s.passage_copies.0;
            total.passage_copies.1 += s.passage_copies.1;
            total.passage_bytes.0 += s.passage_bytes.0;
            total.passage_bytes.1 += s.passage_bytes.1;
            total.false_passages += s.false_passages;
            detected.insert(s.languages);
        }
        println!(
            "{:<9} {:<10} {:>9.3} {:>8.3} {:>8} {:>9.3} {:>9.3} {:>8}  {}",
            l.name,
            l.script,
            ratio(total.verbatim),
            ratio(total.edited),
            total.false_pairs,
            ratio(total.passage_copies),
            ratio(total.passage_bytes),
            total.false_passages,
            detected.into_iter().collect::<Vec<_>>().join(" ")
        );
        if total.verbatim.0 != total.verbatim.1 || total.false_pairs > 0 {
            failed.push(l.name);
        }
    }
    println!("({:.1} s)", t0.elapsed().as_secs_f64());
    assert!(
        failed.is_empty(),
        "verbatim recall below 1 or false positives in: {failed:?}"
    );
}
