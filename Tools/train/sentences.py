"""Random sentences in several languages from small word lists and templates (no downloads).

Enough variety for phoneme coverage: every generated sentence mixes function words, content
words, numbers and, now and then, nonsense syllables rich in bilabials and rounded vowels.
"""
import random

WORDS = {
    "en": {
        "det": "the a this that every some my your our their one no".split(),
        "adj": ("big small quiet happy blue bright old young warm cold smooth rough purple yellow busy lazy "
                "funny brave gentle heavy open simple famous proud calm wet thin deep true").split(),
        "noun": ("boat moon apple window mother people music baby paper problem morning village teacher "
                 "bottle monkey garden river pocket machine picture sugar water shoe group voice number "
                 "butter weather family question market summer book fish dog cheese bridge road forest").split(),
        "verb": ("moves opens brings keeps pulls pushes watches finds builds makes wants loves carries "
                 "measures chooses feeds throws buys paints fixes teaches moves borrows sees hears").split(),
        "adv": "quickly slowly today maybe always never often softly early very almost".split(),
        "prep": "with from under over behind beside into without through near".split(),
        "int": "oh wow well hmm okay yes no please thanks hello".split(),
    },
    "de": {
        "det": "der die das ein eine mein dein unser kein jeder".split(),
        "adj": "gross klein blau warm kalt schnell langsam schoen alt jung ruhig froh muede voll".split(),
        "noun": "Mann Frau Kind Hund Baum Buch Mond Boot Haus Stadt Mutter Vater Wasser Brot Blume Musik Apfel".split(),
        "verb": "bringt macht sieht findet baut liebt kauft oeffnet zeigt braucht malt nimmt".split(),
        "adv": "heute morgen immer nie oft bald sehr ganz schon wieder".split(),
        "prep": "mit ohne unter ueber neben durch bei von".split(),
        "int": "ach ja nein bitte danke hallo na gut".split(),
    },
    "fr": {
        "det": "le la un une mon ton notre chaque ce".split(),
        "adj": "grand petit bleu beau vieux jeune chaud froid doux rouge heureux calme".split(),
        "noun": "homme femme enfant chien arbre livre lune bateau maison ville mère père eau pain fleur musique pomme".split(),
        "verb": "porte fait voit trouve construit aime achète ouvre montre prend mange boit".split(),
        "adv": "aujourd'hui demain toujours jamais souvent bientôt très beaucoup".split(),
        "prep": "avec sans sous sur près dans pour vers".split(),
        "int": "oh oui non merci bonjour bon voilà".split(),
    },
    "es": {
        "det": "el la un una mi tu nuestro cada ese".split(),
        "adj": "grande pequeño azul bonito viejo joven caliente frío suave rojo feliz tranquilo".split(),
        "noun": "hombre mujer niño perro árbol libro luna barco casa ciudad madre padre agua pan flor música manzana".split(),
        "verb": "lleva hace ve encuentra construye ama compra abre muestra toma come bebe".split(),
        "adv": "hoy mañana siempre nunca pronto muy mucho también".split(),
        "prep": "con sin bajo sobre cerca dentro para hacia".split(),
        "int": "oh sí no gracias hola bueno vale".split(),
    },
    "it": {
        "det": "il la un una mio tuo nostro ogni quel".split(),
        "adj": "grande piccolo blu bello vecchio giovane caldo freddo morbido rosso felice calmo".split(),
        "noun": "uomo donna bambino cane albero libro luna barca casa città madre padre acqua pane fiore musica mela".split(),
        "verb": "porta fa vede trova costruisce ama compra apre mostra prende mangia beve".split(),
        "adv": "oggi domani sempre mai presto molto anche proprio".split(),
        "prep": "con senza sotto sopra vicino dentro per verso".split(),
        "int": "oh sì no grazie ciao bene ecco".split(),
    },
    "pt": {
        "det": "o a um uma meu teu nosso cada esse".split(),
        "adj": "grande pequeno azul bonito velho jovem quente frio suave vermelho feliz calmo".split(),
        "noun": "homem mulher menino cão árvore livro lua barco casa cidade mãe pai água pão flor música maçã".split(),
        "verb": "leva faz vê encontra constrói ama compra abre mostra toma come bebe".split(),
        "adv": "hoje amanhã sempre nunca logo muito também".split(),
        "prep": "com sem sob sobre perto dentro para".split(),
        "int": "oh sim não obrigado olá bom".split(),
    },
    "nl": {
        "det": "de het een mijn jouw ons elke".split(),
        "adj": "groot klein blauw mooi oud jong warm koud zacht rood blij rustig".split(),
        "noun": "man vrouw kind hond boom boek maan boot huis stad moeder vader water brood bloem muziek appel".split(),
        "verb": "brengt maakt ziet vindt bouwt houdt koopt opent toont neemt eet drinkt".split(),
        "adv": "vandaag morgen altijd nooit vaak snel heel ook".split(),
        "prep": "met zonder onder boven naast door voor".split(),
        "int": "oh ja nee dank hallo goed".split(),
    },
}
SYLLABLES_C = "b p m w f v bl pr mw".split()
SYLLABLES_V = "a o u oo ee i aw oy".split()


def nonsense(rng):
    return "".join(rng.choice(SYLLABLES_C) + rng.choice(SYLLABLES_V) for _ in range(rng.randint(1, 3)))


def sentence(lang, rng):
    w = WORDS[lang]
    parts = []
    if rng.random() < 0.15:
        parts.append(rng.choice(w["int"]) + ",")
    parts += [rng.choice(w["det"]), *([rng.choice(w["adj"])] if rng.random() < 0.6 else []), rng.choice(w["noun"])]
    parts.append(rng.choice(w["verb"]))
    parts += [rng.choice(w["det"]), *([rng.choice(w["adj"])] if rng.random() < 0.4 else []), rng.choice(w["noun"])]
    if rng.random() < 0.5:
        parts += [rng.choice(w["prep"]), rng.choice(w["det"]), rng.choice(w["noun"])]
    if rng.random() < 0.3:
        parts.append(rng.choice(w["adv"]))
    if rng.random() < 0.2:
        parts.insert(rng.randrange(len(parts) + 1), str(rng.randint(2, 9999)))
    if rng.random() < 0.2:
        parts.insert(rng.randrange(len(parts) + 1), nonsense(rng))
    if rng.random() < 0.2:
        cut = rng.randrange(2, len(parts))
        parts[cut - 1] += ","
    text = " ".join(parts)
    end = rng.choice([".", ".", ".", "?", "!"])
    return text[0].upper() + text[1:] + end
