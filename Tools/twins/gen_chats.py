#!/usr/bin/env python3
"""Generates footprint/chat-generic.json and footprint/telegram-result.json.

All message text is original synthetic content written for the Maya Chen persona.
"""
import calendar
import json
import os
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "footprint")

M, P, S = "Maya Chen", "Priya Nair", "Sam Okafor"

# (time UTC "YYYY-MM-DD HH:MM", sender, text)
GENERIC = [
    ("2025-09-02 17:10", P, "Sooo how's the co-op flat?? Send pics 📸"),
    ("2025-09-02 17:14", M, "It's perfect. Rooftop garden, a lemon tree, and a neighbour who already lent me a drill. The monthly contribution is less than half of what I paid in Arroios"),
    ("2025-09-02 17:15", S, "co-op life! does it come with mandatory meetings"),
    ("2025-09-02 17:17", M, "Monthly assembly, second Saturday of every month. I secretly love it 🤓"),
    ("2025-09-02 17:18", P, "Of course you do"),
    ("2025-09-20 08:02", S, "random q, would you two be up for a call this week? thinking Tue 8am my time"),
    ("2025-09-20 09:41", M, "8am Berlin is 7am here, absolutely not 😅 anything between 10 and 12 Lisbon time works"),
    ("2025-09-20 09:43", S, "wow who are you. Toronto Maya ran 8am standups for fun"),
    ("2025-09-20 09:45", M, "Toronto Maya didn't have dinners that start at 21:30"),
    ("2025-09-20 12:30", P, "lol fair. Wed 11:00 Lisbon then? that's 6am for me but I'm up anyway with the dog"),
    ("2025-09-20 12:31", M, "Wed 11:00 it is ✅"),
    ("2025-10-06 18:20", M, "News: I signed with Participa Labs! Head of Product, starting November 3rd"),
    ("2025-10-06 18:21", P, "AHHH congrats!!! 🎉🎉"),
    ("2025-10-06 18:25", S, "the participatory budgeting people? that's so you"),
    ("2025-10-06 18:26", M, "Residents deciding where the money goes. Yes. Very me."),
    ("2025-10-06 18:27", P, "what happens with Mapa Aberto?"),
    ("2025-10-06 18:30", M, "I'm handing the shade map over to Joana, she's going to be great. Last day is Oct 31"),
    ("2025-10-19 15:02", M, "Also I adopted a cat. His name is Pastel. Grey tabby, zero respect for my keyboard 🐱"),
    ("2025-10-19 15:04", P, "PASTEL like the custard tart?? iconic"),
    ("2025-10-19 15:10", S, "photo or it didn't happen"),
    ("2025-10-19 15:11", M, "[photo] he's sitting on my laptop as we speak"),
    ("2025-11-12 21:05", P, "Planning my Lisbon trip for April! What should I eat? Send me your list"),
    ("2025-11-12 21:09", M, "1) arroz de tamboril at Tasca da Graça 2) grilled sardines anywhere with a charcoal grill 3) pastel de nata from Manteigaria, warm or don't bother"),
    ("2025-11-12 21:10", S, "wait aren't you vegetarian?"),
    ("2025-11-12 21:11", M, "Pescatarian since February! Still no meat, but fish is fair game now 🐟"),
    ("2025-11-12 21:14", P, "dates: I land April 17, leave April 24"),
    ("2025-11-12 21:16", M, "Perfect, except I'm in Porto on the 23rd for the Civic Tech Summit. Come with me? The train is 3 hours and the views along the coast are lovely"),
    ("2025-11-12 21:17", P, "train > plane, obviously. I'm in"),
    ("2025-11-12 21:18", M, "I'm booking window seats. Non-negotiable."),
    ("2025-12-11 07:40", M, "I'M AN AUNT. Luna was born this morning in Vancouver, 3.2 kg 🥹"),
    ("2025-12-11 07:52", P, "omg congratulations auntie!!"),
    ("2025-12-11 08:15", S, "🎉 welcome to the world Luna"),
    ("2025-12-11 08:20", M, "Kevin sounds exhausted and ridiculously happy. I'm flying over to meet her in the autumn"),
    ("2025-12-18 16:02", S, "Maya I sent you a voice note about the Berlin job thing"),
    ("2025-12-18 16:40", M, "Sam. You know my rule. No voice notes 🙏 type it out and I promise I'll read it"),
    ("2025-12-18 16:44", S, "ugh fine. tl;dr: my team here in Berlin is hiring a civic-tech PM, want me to refer anyone?"),
    ("2025-12-18 16:47", M, "Send me the job description, I know two great people in Toronto who'd move"),
    ("2026-01-10 19:00", P, "how's dry January going lol"),
    ("2026-01-10 19:03", M, "Not dry, but decaf-ish. I quit coffee for green tea, and nothing caffeinated after noon. Sleep is SO much better"),
    ("2026-01-10 19:04", S, "a Lisbon resident quitting bicas. scandal"),
    ("2026-01-10 19:05", M, "The café downstairs thinks I'm ill 😂"),
    ("2026-01-24 13:30", M, "PASSED B1 PORTUGUESE 🇵🇹"),
    ("2026-01-24 13:31", P, "!!!!! parabéns!"),
    ("2026-01-24 13:35", S, "next stop B2"),
    ("2026-01-24 13:36", M, "Already signed up for the Wednesday conversation class 😤"),
    ("2026-02-03 20:15", P, "ok political question. Ontario is fighting about rent control again. Lisbon take?"),
    ("2026-02-03 20:19", M, "Cap increases for sitting tenants at inflation, yes. Cap new builds, no. And build a ton of non-market housing, which is literally why I live in a co-op"),
    ("2026-02-03 20:21", S, "Berlin's rent cap got struck down by the courts, fyi"),
    ("2026-02-03 20:23", M, "Which is why I think the long game is co-ops and public housing, not just caps"),
    ("2026-02-03 20:24", P, "Tell that to Queen's Park 🙃"),
    ("2026-02-09 11:12", S, "you coming to Berlin for the civic tech meetup in May?"),
    ("2026-02-09 11:30", M, "Can't, I'm flying to Toronto on May 20 for Mom's 65th. Dad is planning a surprise dinner on the 23rd"),
    ("2026-02-09 11:32", P, "I'm invited to the surprise right?? I will bring the cake"),
    ("2026-02-09 11:33", M, "Mom loves lemon cake. Nothing with coconut, she's allergic"),
    ("2026-02-09 11:34", P, "lemon, no coconut. noted 🍋"),
    ("2026-02-09 11:36", M, "And yes, daytime flight. I'm too old for red-eyes"),
    ("2026-02-26 18:02", M, "Question for you both: gift idea for Tomás? Birthday is March 20"),
    ("2026-02-26 18:05", P, "what does he like besides trees lol"),
    ("2026-02-26 18:07", M, "Trees, vinyl, and old maps of Lisbon"),
    ("2026-02-26 18:08", S, "old map print. easy"),
    ("2026-02-28 16:40", M, "Found an 1871 map of Lisbon in a little shop in Chiado. Done ✅"),
    ("2026-02-28 16:42", P, "you're so good at gifts"),
    ("2026-03-03 09:50", S, "btw can we do a call Friday afternoon to go over your Porto talk?"),
    ("2026-03-03 10:12", M, "Friday afternoons are my no-meeting zone, sorry! Thursday 11:00 Lisbon?"),
    ("2026-03-03 10:13", S, "deal"),
    ("2026-03-05 19:20", P, "how's the car-free street thing going"),
    ("2026-03-05 19:24", M, "Proposal is written! Car-free Sundays on Rua Morais Soares, the co-op votes on it March 14. Then I present at the city council hearing on the 25th 😬"),
    ("2026-03-05 19:25", P, "you're going to crush it"),
    ("2026-03-05 19:26", S, "present in Portuguese?"),
    ("2026-03-05 19:28", M, "Yes. Tomás is coaching my pronunciation, mostly by laughing at me"),
    ("2026-03-06 08:45", M, "Also bought Bolacha a front basket so I can carry the flyers around the neighbourhood"),
    ("2026-03-06 08:46", S, "who is Bolacha"),
    ("2026-03-06 08:47", M, "My e-bike!! We've discussed this 🚲"),
    ("2026-03-06 08:48", P, "she named her bike 'cookie' Sam, keep up"),
]


def iso_z(t):
    return datetime.strptime(t, "%Y-%m-%d %H:%M").strftime("%Y-%m-%dT%H:%M:00Z")


def gen_generic():
    msgs = [{"sender": s, "time": iso_z(t), "text": x} for t, s, x in GENERIC]
    with open(os.path.join(OUT, "chat-generic.json"), "w", encoding="utf-8") as f:
        json.dump(msgs, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return len(msgs)


# ---------------- Telegram ----------------
USERS = {
    "João Santos": "user5120034411",
    "Maya Chen": "user5120034412",
    "Rita Almeida": "user5120034413",
    "Marco Bellini": "user5120034414",
    "Inês Duarte": "user5120034415",
    "Teresa Lobo": "user5120034416",
}
J, MC, R, MB, I, T = USERS.keys()


def b(x):
    return {"type": "bold", "text": x}


def link(x):
    return {"type": "link", "text": x}


def tag(x):
    return {"type": "hashtag", "text": x}


def mention(x):
    return {"type": "mention", "text": x}


# (local time "YYYY-MM-DD HH:MM:SS", sender, text or list) or ("service", time, actor, dict)
TG = [
    ("svc", "2026-01-08 18:00:00", J, {"action": "create_group", "title": "Green Streets crew",
                                        "members": [J, MC, R, MB, I]}),
    ("2026-01-08 18:01:12", J, "Olá a todos! New group for the Penha de França working group. Less noise than the big WhatsApp 🙂"),
    ("2026-01-08 18:02:40", J, ["Big news: ", b("Maya is our new working group coordinator"), " starting this month. Obrigado Maya!"]),
    ("2026-01-08 18:10:05", MC, "Thanks João! Happy to do it. First rule: this chat is for decisions and logistics, long discussions go in the shared doc."),
    ("2026-01-08 18:11:30", R, "Concordo 👍"),
    ("2026-01-08 18:15:00", MC, "Proposal for our weekly call: move it from Thursday 19:00 to Tuesday 18:30. Thursdays I have release reviews at work and always arrive late."),
    ("2026-01-08 18:20:44", MB, "Tuesday works for me"),
    ("2026-01-08 18:22:10", I, "Same here"),
    ("2026-01-09 09:05:00", J, "Done: from February, weekly call is Tuesday 18:30 on Jitsi. The Thursday slot is gone."),
    ("svc", "2026-01-14 20:30:00", I, {"action": "invite_members", "members": [T]}),
    ("2026-01-14 20:31:15", I, "Added Teresa, she runs the papelaria on Morais Soares and wants to hear about the car-free idea"),
    ("2026-01-14 20:40:02", T, "Boa noite. I'm curious but worried about deliveries on Sunday morning."),
    ("2026-01-14 20:46:37", MC, "Totally fair. Draft idea: deliveries allowed before 9:00, street closed 9:00–14:00, so your morning newspapers still arrive."),
    ("2026-01-14 20:48:00", T, "Se for assim, ok 🙂"),
    ("2026-01-15 10:02:21", MB, "I can run a free bike repair stand during the pilot. Bring your flat tyres"),
    ("2026-01-20 21:10:00", MC, ["Love it. Draft is here: ", link("https://example.org/green-streets/car-free-sundays-draft"), " comments by Friday please"]),
    ("2026-01-22 17:30:12", R, "Tree planting news: we got 30 saplings from the city nursery! Jacarandas and Judas trees (olaia)"),
    ("2026-01-22 17:33:00", J, ["Tree planting day: ", b("Saturday 21 March, 10:00"), ", Jardim Constantino. Bring gloves."]),
    ("2026-01-22 17:35:48", MC, "I'll be there. Tomás is bringing the soil auger 🌱"),
    ("2026-01-27 19:05:00", R, "Maya what's your view on the Almirante Reis redesign? The council wants painted lanes again to save money"),
    ("2026-01-27 19:09:31", MC, "Strongly against. Painted lanes are where delivery vans park. If the budget is tight, build fewer kilometres but make them physically protected."),
    ("2026-01-27 19:10:02", MB, "+1. Protected or nothing"),
    ("2026-01-27 19:12:40", J, "I'll put it in our written submission"),
    ("2026-02-03 19:45:00", I, "Budget question for the car-free Sundays: what's the total?"),
    ("2026-02-03 19:49:10", MC, "€18,400 for the six-month pilot. Biggest items are barriers and signage, then insurance for the stewards."),
    ("2026-02-03 19:52:33", I, "As co-op treasurer I think we'd cover the steward t-shirts and coffee, maybe €600"),
    ("2026-02-03 19:53:00", MC, "Perfect, thank you Inês 🙏"),
    ("2026-02-03 19:58:20", MC, "How many stewards do we need? I'm thinking 24 people per Sunday, two shifts"),
    ("2026-02-03 20:01:00", J, "I can recruit from the school parents' association"),
    ("2026-02-03 20:02:15", R, ["Let's go ", tag("#carfreesundays"), " 😄"]),
    ("2026-02-10 19:00:00", MC, "Another idea: once a month let's meet in person. Calls are fine for updates, but decisions stick better face to face."),
    ("2026-02-10 19:03:30", J, "Good idea: first Tuesday of the month in person at the Junta, the other Tuesdays on Jitsi"),
    ("2026-02-10 19:20:00", MB, "Sorry for the long voice note earlier"),
    ("2026-02-10 19:24:12", MC, "😅 Marco, you know I don't listen to voice notes. Could you type the gist?"),
    ("2026-02-10 19:27:45", MB, "ahah yes: I found 8 bike racks we can borrow for the street, free, left over from a festival"),
    ("2026-02-10 19:28:30", MC, "Amazing, thank you"),
    ("2026-02-17 18:40:00", R, "When is the hearing?"),
    ("2026-02-17 18:42:19", J, ["City council mobility hearing: ", b("25 March, 15:00"), ", Paços do Concelho. ", mention("@mayachen_lx"), " presents, 5 minutes."]),
    ("2026-02-17 18:45:00", MC, "I'll present in Portuguese. My B1 can take it, I hope 😬 Tomás is coaching me on pronunciation"),
    ("2026-02-17 18:46:10", I, "Vais arrasar!"),
    ("2026-02-24 19:10:00", MC, "Success metrics I'm proposing: 15% more footfall for local shops, and at least 60% of surveyed residents wanting to continue after September."),
    ("2026-02-24 19:14:02", T, "If my shop gets 15% more people on a Sunday I'll put up the barriers myself"),
    ("2026-02-24 19:15:00", MC, "Holding you to that, Teresa 😄"),
    ("2026-03-01 11:00:00", J, ["Reminder: co-op assembly vote on the proposal is ", b("Saturday 14 March"), ". Pátio Comum folks, go vote!"]),
    ("2026-03-01 11:05:30", MC, "The pilot would run on the second Sunday of each month, 09:00–14:00, April to September. First one: 12 April."),
    ("svc", "2026-03-01 11:06:00", J, {"action": "pin_message", "message_id": 45}),
    ("2026-03-02 18:20:00", R, "Can we add a kids' chalk zone near Praça do Chile?"),
    ("2026-03-02 18:25:41", MC, "Yes! Adding a chalk and games zone at the Praça do Chile end."),
    ("2026-03-02 18:30:00", MB, "Who brings the speakers for music?"),
    ("2026-03-02 18:34:10", MC, "No amplified music please. I'd rather keep it calm so older neighbours enjoy it too. Acoustic buskers are welcome."),
    ("2026-03-02 18:35:00", J, "Agreed"),
    ("2026-03-06 12:10:00", MC, "Thanks all. I'm offline Friday afternoon as usual, back on Saturday for the assembly."),
]


def entities(text):
    if isinstance(text, str):
        return [{"type": "plain", "text": text}] if text else []
    out = []
    for part in text:
        if isinstance(part, str):
            out.append({"type": "plain", "text": part})
        else:
            out.append(part)
    return out


def unix(t):
    return str(calendar.timegm(datetime.strptime(t, "%Y-%m-%d %H:%M:%S").timetuple()))


def gen_telegram():
    msgs = []
    for i, item in enumerate(TG, start=1):
        if item[0] == "svc":
            _, t, actor, extra = item
            m = {"id": i, "type": "service", "date": t.replace(" ", "T"), "date_unixtime": unix(t),
                 "actor": actor, "actor_id": USERS[actor]}
            m.update(extra)
            if "members" in m:
                pass
            m["text"] = ""
            m["text_entities"] = []
        else:
            t, sender, text = item
            m = {"id": i, "type": "message", "date": t.replace(" ", "T"), "date_unixtime": unix(t),
                 "from": sender, "from_id": USERS[sender], "text": text,
                 "text_entities": entities(text)}
        msgs.append(m)
    # sanity: pinned message id points to the pilot-dates message
    pin = [m for m in msgs if m.get("action") == "pin_message"][0]
    target = [m for m in msgs if m["id"] == pin["message_id"]][0]
    assert "second Sunday" in target["text"], target
    doc = {"name": "Green Streets crew", "type": "private_group", "id": 4418830271, "messages": msgs}
    with open(os.path.join(OUT, "telegram-result.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return len(msgs)


if __name__ == "__main__":
    print("generic messages:", gen_generic())
    print("telegram messages:", gen_telegram())
