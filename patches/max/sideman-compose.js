// sideman-compose.js: composition mode inside Ableton Live, for the Sideman Compose device.
//
// Reads the Live set through the Live API (every MIDI track's name, its General MIDI program, the notes
// of its clips), sends them to the running agent over the /compose/* contract (patches/OSC.md,
// "Composition"), and writes the answer into the clips: empty Session clips, or the tracks left empty
// under the Arrangement loop brace. Then Regenerate (selected notes, or the loop brace, as marks), Undo,
// Restore a version, Reset learning. Everything it does is said in words on the device.
//
// Live 11+ notes API only: get_notes_extended, get_selected_notes_extended, add_new_notes,
// remove_notes_extended (never the deprecated get_notes / set_notes). One answer is written between
// Song.begin_undo_step and Song.end_undo_step when LiveAPI.info lists them for Song, so one Cmd-Z in Live
// takes it back; otherwise the device says how many undo steps it took. The device's first Fill starts
// a session at the agent (/compose/clear); later Fills keep what the marks taught (/compose/clear_context).
//
// The host is injected (`Device(host)`): host.send([address, args...]) puts one OSC message on the wire,
// host.show(line, text) shows a status line, host.live(path) returns a LiveAPI object, host.now() is a
// clock in ms, host.later(ms, fn) runs fn later. In Max, the entry points at the bottom build the host
// from [udpsend] (outlet 0), the status boxes (outlet 1), LiveAPI, Date and Task. tests/test_compose_device.py
// runs this file under node with a Live API stand-in and a real agent.
// ES5 only: Max's [js] is ES5 (the file also runs in Max 9's [v8]).

inlets = 1;
outlets = 2;

var HEARTBEAT_MS = 3000;   // offline when no /agent/status for this long (the agent sends one a second)
var HELLO_MS = 5000;       // /agent/hello again this often, so a restarted agent answers this port
var BATCH = 40;            // messages sent per slice; the rest follow 2 ms later (no burst of thousands)
var MAX_TRACK = 64;        // the contract's track numbers are 1..64
var MIN_DUR = 1 / 480;     // a note's shortest duration on the wire, in beats (one tick)
var MARK_SLACK = 0.001;    // beats a mark's end comes in (half a tick): float rounding never marks the next note

// Words in a track name -> a General MIDI program, when the name holds no number. 128 = drums.
var PROGRAM_WORDS = [
    [/drum|beat|perc|kit/i, 128], [/bass/i, 33], [/piano|keys|rhodes|epiano/i, 0], [/organ/i, 16],
    [/guitar|gtr/i, 25], [/string|violin|cello/i, 48], [/pad/i, 88], [/sax/i, 65], [/flute/i, 73],
    [/brass|horn|trumpet/i, 61], [/lead|synth|melody/i, 80], [/choir|vox|voice/i, 52]
];

function num(value) {
    // LiveAPI.get returns a list; its first element, as a number
    var v = (value instanceof Array) ? value[0] : value;
    return Number(v);
}

function text(value) {
    return (value instanceof Array) ? value.join(" ") : String(value);
}

function clamp(v, lo, hi) {
    return Math.min(hi, Math.max(lo, v));
}

function round3(v) {
    return Math.round(v * 1000) / 1000;
}

// The program a track plays: a number in the name ("Bass [33]", "Bass (33)", "Bass #33"), else a word
// ("Bass", "Drums"), else `fallback`. Returns {program, how}.
function programOf(name, fallback) {
    var m = /[\[(#]\s*(\d{1,3})\s*[\])]?/.exec(name);
    if (m !== null && Number(m[1]) <= 128) {
        return {program: Number(m[1]), how: "named"};
    }
    for (var i = 0; i < PROGRAM_WORDS.length; i++) {
        if (PROGRAM_WORDS[i][0].test(name)) {
            return {program: PROGRAM_WORDS[i][1], how: "guessed"};
        }
    }
    return {program: fallback, how: "default"};
}

function parseNotes(json) {
    // get_notes_extended / get_selected_notes_extended answer a JSON dictionary {"notes": [...]}
    var parsed = (typeof json === "string") ? JSON.parse(json) : json;
    return (parsed && parsed.notes) ? parsed.notes : [];
}

function idOf(value) {
    // "id 42", ["id", 42] or 42 -> 42
    if (value instanceof Array) {
        return Number(value[value.length - 1]);
    }
    var words = String(value).split(" ");
    return Number(words[words.length - 1]);
}

function Device(host) {
    this.host = host;
    this.agentPort = 9000;
    this.listenPort = 9002;
    this.timeoutS = 120;
    this.defaultProgram = 0;
    this.mode = "session";      // or "arrangement"
    this.request = 0;
    this.pending = null;        // {request, what, sentAt, answer}
    this.layout = null;         // what the last Fill read: tracks and where their clips sit in beats
    this.written = [];          // every stretch the session has written: [{track, start, end}]
    this.version = -1;
    this.latest = -1;
    this.lastHeard = -1;        // host.now() of the last /agent/status, -1 = never
    this.lastHello = -1;
    this.online = null;
    this.queue = [];
    this.flushing = false;
    this.filled = false;        // a Fill was sent: the agent holds this device's session
}

Device.prototype.show = function (line, words) {
    this.host.show(line, words);
};

Device.prototype.start = function () {
    this.show("connection", "looking for the agent on port " + this.agentPort + "...");
    this.show("activity", "ready: make empty clips, then Fill");
    this.hello();
};

Device.prototype.hello = function () {
    this.lastHello = this.host.now();
    this.host.send(["/agent/hello", this.listenPort]);
};

// ---- controls (every value checked: a knob out of range is clamped and said, never a crash) ----------

Device.prototype.setting = function (name, value, lo, hi) {
    var v = Math.round(Number(value));
    if (!isFinite(v)) {
        this.show("activity", name + ": " + value + " is not a number; kept " + this[name]);
        return null;
    }
    if (v < lo || v > hi) {
        this.show("activity", name + " " + v + " is out of range " + lo + ".." + hi + "; using " + clamp(v, lo, hi));
        v = clamp(v, lo, hi);
    }
    return v;
};

Device.prototype.setPorts = function (agent, listen) {
    var a = this.setting("agentPort", agent, 1, 65535);
    var l = this.setting("listenPort", listen, 1, 65535);
    if (a !== null) { this.agentPort = a; }
    if (l !== null) { this.listenPort = l; }
    this.hello();
};

Device.prototype.setProgram = function (value) {
    var v = this.setting("defaultProgram", value, 0, 128);
    if (v !== null) { this.defaultProgram = v; }
};

Device.prototype.setTimeout = function (seconds) {
    var v = this.setting("timeoutS", seconds, 1, 3600);
    if (v !== null) { this.timeoutS = v; }
};

Device.prototype.setMode = function (value) {
    var v = String(value);
    if (v === "0" || v.toLowerCase().indexOf("session") === 0) {
        this.mode = "session";
    } else if (v === "1" || v.toLowerCase().indexOf("arrangement") === 0) {
        this.mode = "arrangement";
    } else {
        this.show("activity", "target " + v + " is neither Session nor Arrangement; kept " + this.mode);
        return;
    }
    this.show("activity", this.mode === "session" ? "target: empty Session clips"
        : "target: tracks empty under the Arrangement loop brace");
};

// ---- reading the Live set --------------------------------------------------------------------------

Device.prototype.clipInfo = function (path, arrangement) {
    var clip = this.host.live(path);
    var looping = num(clip.get("looping")) === 1;
    var loopStart = num(clip.get("loop_start"));
    var loopEnd = num(clip.get("loop_end"));
    var origin = looping ? loopStart : num(clip.get("start_marker"));
    var length = num(clip.get("length"));  // the loop's length when looping, else start to end marker
    var info = {path: path, id: idOf(clip.id), origin: origin, length: length, looping: looping,
        loopEnd: looping ? loopEnd : origin + length, start: 0, end: length};
    if (arrangement) {
        info.start = num(clip.get("start_time"));
        info.end = num(clip.get("end_time"));
    }
    var notes = parseNotes(clip.call("get_notes_extended", 0, 128, origin, length));
    info.notes = [];
    for (var i = 0; i < notes.length; i++) {
        if (!notes[i].mute) {
            info.notes.push(notes[i]);
        }
    }
    return info;
};

// The song time of each note of a clip placed from `info.start`, repeating a looped clip until `until`.
function unroll(info, until, out) {
    for (var base = info.start; base < until - 1e-9; base += info.length) {
        for (var i = 0; i < info.notes.length; i++) {
            var n = info.notes[i];
            var beat = base + n.start_time - info.origin;
            if (beat < until - 1e-9) {
                out.push({beat: beat, pitch: n.pitch, velocity: n.velocity, duration: n.duration});
            }
        }
        if (!info.looping || info.length <= 0) {
            break;
        }
    }
}

// Every MIDI track (number = its position in Live, 1-based), with a program, notes and clip placements.
Device.prototype.readTracks = function () {
    var song = this.host.live("live_set");
    var count = song.getcount("tracks");
    var tracks = [];
    var skipped = 0;
    for (var i = 0; i < count; i++) {
        var track = this.host.live("live_set tracks " + i);
        if (num(track.get("has_midi_input")) !== 1 || num(track.get("is_foldable")) === 1) {
            continue;
        }
        if (i + 1 > MAX_TRACK) {
            skipped++;
            continue;
        }
        var name = text(track.get("name"));
        var prog = programOf(name, this.defaultProgram);
        tracks.push({number: i + 1, index: i, name: name, program: prog.program, how: prog.how,
            placements: [], notes: []});
    }
    return {song: song, tracks: tracks, skipped: skipped,
        numerator: num(song.get("signature_numerator")), denominator: num(song.get("signature_denominator"))};
};

// Session: scenes laid end to end (a scene lasts as long as its longest clip); every empty clip is a region.
Device.prototype.readSession = function (set) {
    var scenes = set.song.getcount("scenes");
    var offset = 0;
    var regions = [];
    for (var s = 0; s < scenes; s++) {
        var row = [];
        var sceneLength = 0;
        for (var t = 0; t < set.tracks.length; t++) {
            var slot = this.host.live("live_set tracks " + set.tracks[t].index + " clip_slots " + s);
            if (num(slot.get("has_clip")) !== 1) {
                continue;
            }
            var info = this.clipInfo("live_set tracks " + set.tracks[t].index + " clip_slots " + s + " clip", false);
            row.push([set.tracks[t], info]);
            sceneLength = Math.max(sceneLength, info.length);
        }
        for (var r = 0; r < row.length; r++) {
            var owner = row[r][0];
            var clip = row[r][1];
            clip.start = offset;
            clip.end = offset + clip.length;
            owner.placements.push(clip);
            unroll(clip, offset + sceneLength, owner.notes);
            if (clip.notes.length === 0 && owner.program !== 128) {
                regions.push({track: owner.number, start: clip.start, end: clip.end});
            }
        }
        offset += sceneLength;
    }
    return {regions: regions, end: offset};
};

// Arrangement: every clip at its place; a track with no note starting under the loop brace is a region.
Device.prototype.readArrangement = function (set) {
    var from = num(set.song.get("loop_start"));
    var to = from + num(set.song.get("loop_length"));
    var regions = [];
    var end = to;
    for (var t = 0; t < set.tracks.length; t++) {
        var track = set.tracks[t];
        var n = this.host.live("live_set tracks " + track.index).getcount("arrangement_clips");
        for (var c = 0; c < n; c++) {
            var info = this.clipInfo("live_set tracks " + track.index + " arrangement_clips " + c, true);
            track.placements.push(info);
            unroll(info, info.end, track.notes);
            end = Math.max(end, info.end);
        }
        var inside = false;
        for (var k = 0; k < track.notes.length; k++) {
            if (track.notes[k].beat >= from - 1e-9 && track.notes[k].beat < to - 1e-9) {
                inside = true;
            }
        }
        if (!inside && track.program !== 128) {
            regions.push({track: track.number, start: from, end: to});
        }
    }
    return {regions: regions, end: end, from: from, to: to};
};

// ---- sending ---------------------------------------------------------------------------------------

Device.prototype.send = function (messages) {
    for (var i = 0; i < messages.length; i++) {
        this.queue.push(messages[i]);
    }
    this.flush();
};

Device.prototype.flush = function () {
    var self = this;
    var n = 0;
    while (this.queue.length > 0 && n < BATCH) {
        this.host.send(this.queue.shift());
        n++;
    }
    if (this.queue.length > 0 && !this.flushing) {
        this.flushing = true;
        this.host.later(2, function () { self.flushing = false; self.flush(); });
    }
};

Device.prototype.ask = function (what, messages) {
    this.pending = {request: this.request, what: what, sentAt: this.host.now(), answer: null};
    this.send(messages);
    if (this.online === false) {
        this.show("activity", what + "... (the agent looks offline: waiting " + this.timeoutS + " s for it)");
    } else {
        this.show("activity", what + "...");
    }
};

Device.prototype.busy = function () {
    if (this.pending !== null) {
        this.show("activity", "still " + this.pending.what + " (request " + this.pending.request
            + "): wait for it, or for the " + this.timeoutS + " s timeout");
        return true;
    }
    return false;
};

Device.prototype.fill = function () {
    if (this.busy()) {
        return;
    }
    var set;
    var read;
    try {
        set = this.readTracks();
        read = this.mode === "session" ? this.readSession(set) : this.readArrangement(set);
    } catch (err) {
        this.show("activity", "could not read the Live set: " + err.message);
        return;
    }
    if (set.tracks.length === 0) {
        this.show("activity", "no MIDI tracks in this set: nothing to fill");
        return;
    }
    if (read.regions.length === 0) {
        this.show("activity", this.mode === "session"
            ? "nothing to fill: make an empty MIDI clip (Cmd/Ctrl-Shift-M) on a track, then Fill"
            : "nothing to fill: every track has notes under the loop brace (move the brace, or empty a track)");
        return;
    }
    this.request++;
    // the device's first Fill starts a new session at the agent (a set opened, the device dropped in);
    // every later Fill describes the set afresh and keeps what the marks taught, until Reset learning
    var messages = [[this.filled ? "/compose/clear_context" : "/compose/clear"],
        ["/compose/song", set.numerator, set.denominator, round3(Math.max(read.end, 0))]];
    var names = [];
    for (var t = 0; t < set.tracks.length; t++) {
        var track = set.tracks[t];
        messages.push(["/compose/track", track.number, track.program, track.name]);
        names.push(track.name + " " + (track.program === 128 ? "drums" : track.program) + " (" + track.how + ")");
        for (var k = 0; k < track.notes.length; k++) {
            var n = track.notes[k];
            if (n.beat < 0) {
                continue;
            }
            messages.push(["/compose/note", track.number, n.beat, clamp(Math.round(n.pitch), 0, 127),
                clamp(Math.round(n.velocity), 1, 127), Math.max(MIN_DUR, n.duration)]);
        }
    }
    for (var r = 0; r < read.regions.length; r++) {
        var region = read.regions[r];
        messages.push(["/compose/region", region.track, region.start, region.end]);
    }
    messages.push(["/compose/fill", this.request]);
    this.filled = true;
    this.layout = {mode: this.mode, tracks: set.tracks, regions: read.regions, from: read.from, to: read.to};
    this.written = [];
    this.version = -1;
    this.latest = -1;
    this.show("tracks", names.join(", ") + (set.skipped ? " (" + set.skipped + " tracks past 64 left out)" : ""));
    this.ask("filling " + read.regions.length + (read.regions.length === 1 ? " clip" : " clips"), messages);
};

Device.prototype.trackOf = function (number) {
    if (this.layout === null) {
        return null;
    }
    for (var i = 0; i < this.layout.tracks.length; i++) {
        if (this.layout.tracks[i].number === number) {
            return this.layout.tracks[i];
        }
    }
    return null;
};

// Marks: the notes selected in the clip shown in Live's Detail View, else (Arrangement) the loop brace
// over what was written.
Device.prototype.marks = function () {
    var marks = [];
    var detail = this.host.live("live_set view detail_clip");
    var id = idOf(detail.id);
    if (id !== 0) {
        for (var t = 0; t < this.layout.tracks.length; t++) {
            var track = this.layout.tracks[t];
            for (var p = 0; p < track.placements.length; p++) {
                var place = track.placements[p];
                if (place.id !== id) {
                    continue;
                }
                var selected = parseNotes(detail.call("get_selected_notes_extended"));
                for (var k = 0; k < selected.length; k++) {
                    var start = place.start + selected[k].start_time - place.origin;
                    var end = Math.min(place.end, start + Math.max(MIN_DUR, selected[k].duration));
                    if (start >= place.start - 1e-9 && start < place.end) {
                        marks.push({track: track.number, start: start, end: end});
                    }
                }
            }
        }
    }
    if (marks.length === 0 && this.layout.mode === "arrangement") {
        var from = num(this.host.live("live_set").get("loop_start"));
        var to = from + num(this.host.live("live_set").get("loop_length"));
        for (var w = 0; w < this.written.length; w++) {
            var s = Math.max(from, this.written[w].start);
            var e = Math.min(to, this.written[w].end);
            if (e > s + 1e-9) {
                marks.push({track: this.written[w].track, start: s, end: e});
            }
        }
    }
    return marks;
};

Device.prototype.regenerate = function () {
    if (this.busy()) {
        return;
    }
    if (this.layout === null || this.version < 0) {
        this.show("activity", "nothing filled yet: Fill first, then mark what you dislike and Regenerate");
        return;
    }
    var marks;
    try {
        marks = this.marks();
    } catch (err) {
        this.show("activity", "could not read the selection: " + err.message);
        return;
    }
    if (marks.length === 0) {
        this.show("activity", "nothing marked: select notes in a filled clip"
            + (this.layout.mode === "arrangement" ? " (or put the loop brace over them)" : "") + ", then Regenerate");
        return;
    }
    this.request++;
    var messages = [];
    for (var i = 0; i < marks.length; i++) {
        // a note starting where a selected note ends is not marked: the end comes in by a fraction of a tick
        messages.push(["/compose/mark", marks[i].track, marks[i].start, marks[i].end - MARK_SLACK]);
    }
    messages.push(["/compose/regenerate", this.request]);
    this.ask("regenerating " + marks.length + (marks.length === 1 ? " marked stretch" : " marked stretches"), messages);
};

Device.prototype.undo = function () {
    if (this.busy()) {
        return;
    }
    if (this.version <= 0) {
        this.show("activity", this.version < 0 ? "nothing filled yet: nothing to undo"
            : "version 0 is the first one: nothing to undo (Live's own Undo takes the fill back)");
        return;
    }
    this.request++;
    this.ask("undoing", [["/compose/undo", this.request]]);
};

Device.prototype.restore = function (value) {
    if (this.busy()) {
        return;
    }
    var v = this.setting("version", value, 0, 1000000);
    if (v === null) {
        return;
    }
    if (this.version < 0) {
        this.show("activity", "nothing filled yet: no version to restore");
        return;
    }
    this.request++;
    this.ask("restoring version " + v, [["/compose/restore", this.request, v]]);
};

Device.prototype.resetLearning = function () {
    this.send([["/compose/reset_learning"]]);
    if (this.online === false) {
        this.show("activity", "the agent looks offline: Reset learning was sent but may not arrive (a restarted "
            + "agent has learned nothing anyway)");
        return;
    }
    this.show("activity", "learning reset: what your marks taught is forgotten (the versions stay)");
};

// ---- replies ---------------------------------------------------------------------------------------

Device.prototype.tick = function () {
    var now = this.host.now();
    if (this.lastHello < 0 || now - this.lastHello >= HELLO_MS) {
        this.hello();
    }
    var online = this.lastHeard >= 0 && now - this.lastHeard < HEARTBEAT_MS;
    if (online !== this.online) {
        this.online = online;
        this.show("connection", online ? "agent online (port " + this.agentPort + ")"
            : "agent offline: start `sideman run` (this device sends to port " + this.agentPort
              + " and listens on " + this.listenPort + ")");
    }
    if (this.pending !== null && now - this.pending.sentAt > this.timeoutS * 1000) {
        this.show("activity", "no answer from the agent in " + this.timeoutS + " s while " + this.pending.what
            + ": is `sideman run` running with a model? Nothing was written");
        this.pending = null;
    }
};

Device.prototype.bad = function (why) {
    this.show("activity", "bad reply from the agent (nothing written): " + why);
    this.pending = null;
};

Device.prototype.receive = function (address, args) {
    if (address === "/agent/status") {
        this.lastHeard = this.host.now();
        if (this.online !== true) {
            this.tick();
        }
        return;
    }
    if (address === "/agent/error") {
        this.show("activity", "agent: " + text(args));
        return;
    }
    if (address.indexOf("/compose/") !== 0) {
        return;  // live mode's replies (/note ...) reach this port too: not ours
    }
    this.lastHeard = this.host.now();
    var request = Number(args[0]);
    if (address === "/compose/error") {
        if (this.pending !== null && (request === this.pending.request || request === -1)) {
            this.show("activity", "agent could not finish " + this.pending.what + ": " + text(args.slice(1)));
            this.pending = null;
        } else {
            this.show("activity", "agent: " + text(args.slice(1)));
        }
        return;
    }
    if (this.pending === null || request !== this.pending.request) {
        return;  // an answer to a request given up on, or another device's
    }
    var answer = this.pending.answer;
    if (address === "/compose/begin") {
        this.pending.answer = {version: Number(args[1]), expect: Number(args[2]), regions: []};
    } else if (answer === null) {
        this.bad(address + " came before /compose/begin");
    } else if (address === "/compose/result") {
        if (args.length !== 5) {
            return this.bad("/compose/result has " + args.length + " arguments, expected 5");
        }
        answer.regions.push({track: Number(args[1]), start: Number(args[2]), end: Number(args[3]),
            expect: Number(args[4]), notes: []});
    } else if (address === "/compose/result/note") {
        var region = answer.regions[answer.regions.length - 1];
        if (region === undefined || args.length !== 6 || Number(args[1]) !== region.track) {
            return this.bad("a /compose/result/note outside its /compose/result");
        }
        region.notes.push({beat: Number(args[2]), pitch: Number(args[3]), velocity: Number(args[4]),
            duration: Number(args[5])});
    } else if (address === "/compose/done") {
        this.done(answer, Number(args[1]), Number(args[2]));
    }
};

Device.prototype.check = function (answer) {
    if (answer.regions.length !== answer.expect) {
        return answer.expect + " regions announced, " + answer.regions.length + " arrived";
    }
    for (var i = 0; i < answer.regions.length; i++) {
        var r = answer.regions[i];
        if (this.trackOf(r.track) === null) {
            return "track " + r.track + " is not one of the tracks sent";
        }
        if (!(r.end > r.start)) {
            return "region " + r.start + ".." + r.end + " on track " + r.track + " is empty";
        }
        if (r.notes.length !== r.expect) {
            return "track " + r.track + ": " + r.expect + " notes announced, " + r.notes.length
                + " arrived (a UDP packet lost?)";
        }
        for (var k = 0; k < r.notes.length; k++) {
            var n = r.notes[k];
            if (!(n.beat >= r.start - 1e-6 && n.beat < r.end) || !(n.pitch >= 0 && n.pitch <= 127)
                || !(n.velocity >= 1 && n.velocity <= 127) || !(n.duration > 0)) {
                return "track " + r.track + ": a note (beat " + n.beat + ", pitch " + n.pitch
                    + ") is outside its region or its ranges";
            }
        }
    }
    return "";
};

Device.prototype.done = function (answer, version, seconds) {
    var why = answer === null ? "/compose/done without /compose/begin" : this.check(answer);
    if (why !== "") {
        return this.bad(why);
    }
    var what = this.pending.what;
    var took = (this.host.now() - this.pending.sentAt) / 1000;
    this.pending = null;
    var report;
    try {
        report = this.write(answer.regions);
    } catch (err) {
        this.show("activity", "Live refused a write while " + what + ": " + err.message);
        return;
    }
    for (var i = 0; i < answer.regions.length; i++) {
        this.remember(answer.regions[i]);
    }
    this.version = version;
    this.latest = Math.max(this.latest, version);
    var words = "done in " + took.toFixed(1) + " s: version " + version + " of " + (this.latest + 1) + ", "
        + report.notes + " notes in " + report.clips + (report.clips === 1 ? " clip" : " clips");
    if (report.dropped > 0) {
        words += "; " + report.dropped + " notes fell outside every clip (" + report.why + ")";
    }
    if (!report.grouped && report.steps > 1) {
        words += "; this Live has no begin_undo_step, so its Undo takes this back in " + report.steps
            + " steps (the device's Undo is one click)";
    }
    this.show("activity", words);
    this.show("version", "version " + version + " of " + (this.latest + 1) + " (agent: " + seconds.toFixed(1) + " s)");
};

Device.prototype.remember = function (region) {
    for (var i = 0; i < this.written.length; i++) {
        var w = this.written[i];
        if (w.track === region.track && region.start <= w.end && region.end >= w.start) {
            w.start = Math.min(w.start, region.start);
            w.end = Math.max(w.end, region.end);
            return;
        }
    }
    this.written.push({track: region.track, start: region.start, end: region.end});
};

// Arrangement: a clip made for a stretch of a region no clip covers (Track.create_midi_clip, Live 12).
Device.prototype.cover = function (track, region, report) {
    var gaps = [{start: region.start, end: region.end}];
    for (var p = 0; p < track.placements.length; p++) {
        var place = track.placements[p];
        var next = [];
        for (var g = 0; g < gaps.length; g++) {
            if (place.end <= gaps[g].start || place.start >= gaps[g].end) {
                next.push(gaps[g]);
                continue;
            }
            if (place.start > gaps[g].start) { next.push({start: gaps[g].start, end: place.start}); }
            if (place.end < gaps[g].end) { next.push({start: place.end, end: gaps[g].end}); }
        }
        gaps = next;
    }
    for (var i = 0; i < gaps.length; i++) {
        var made = this.host.live("live_set tracks " + track.index).call("create_midi_clip", gaps[i].start,
            gaps[i].end - gaps[i].start);
        report.steps++;
        var id = idOf(made);
        track.placements.push({path: "id " + id, id: id, origin: 0, length: gaps[i].end - gaps[i].start,
            looping: false, loopEnd: gaps[i].end - gaps[i].start, start: gaps[i].start, end: gaps[i].end,
            notes: []});
    }
};

// Whether this Live groups writes into one undo step: Song.begin_undo_step/end_undo_step are in Live's
// Python API; LiveAPI.info lists the functions the Live Object Model gives this Live's Song, one
// "function NAME" line each, so the device asks instead of assuming.
function groupsUndo(song) {
    var info;
    try {
        info = String(song.info);
    } catch (err) {
        return false;
    }
    return /(^|\n)\s*function begin_undo_step\s*(\n|$)/.test(info) && /(^|\n)\s*function end_undo_step\s*(\n|$)/.test(info);
}

// Replace, in the clips, the notes starting in each region by the region's notes: one Live undo step
// where Live offers begin_undo_step, else one step per clip call (report.steps counts them).
Device.prototype.write = function (regions) {
    var song = this.host.live("live_set");
    var report = {notes: 0, clips: 0, dropped: 0, why: "", grouped: false, steps: 0};
    var touched = {};
    var undoOpen = false;
    if (groupsUndo(song)) {
        try {
            song.call("begin_undo_step");
            undoOpen = true;
        } catch (err) {
            undoOpen = false;  // refused after all: each write is its own undo step
        }
    }
    report.grouped = undoOpen;
    try {
        for (var r = 0; r < regions.length; r++) {
            var region = regions[r];
            var track = this.trackOf(region.track);
            if (this.layout.mode === "arrangement") {
                try {
                    this.cover(track, region, report);
                } catch (err) {
                    report.why = "Live 11 cannot make Arrangement clips from a device: draw an empty clip "
                        + "under the loop brace first";
                }
            }
            var adds = {};
            for (var p = 0; p < track.placements.length; p++) {
                var place = track.placements[p];
                var from = Math.max(region.start, place.start);
                var to = Math.min(region.end, place.end);
                if (to <= from) {
                    continue;
                }
                var clipFrom = place.origin + from - place.start;
                var span = Math.min(to - from, place.loopEnd - clipFrom);
                var clip = this.host.live(place.path);
                if (span > 0) {
                    clip.call("remove_notes_extended", 0, 128, clipFrom, span);
                    report.steps++;
                }
                adds[p] = [];
                touched[place.path] = true;
            }
            for (var k = 0; k < region.notes.length; k++) {
                var n = region.notes[k];
                var home = -1;
                for (var q = 0; q < track.placements.length && home < 0; q++) {
                    var at = track.placements[q].origin + n.beat - track.placements[q].start;
                    if (adds[q] !== undefined && n.beat >= track.placements[q].start - 1e-9
                        && n.beat < track.placements[q].end && at < track.placements[q].loopEnd) {
                        home = q;
                    }
                }
                if (home < 0) {
                    report.dropped++;
                    if (report.why === "") { report.why = "no clip there"; }
                    continue;
                }
                var place2 = track.placements[home];
                adds[home].push({pitch: n.pitch, start_time: place2.origin + n.beat - place2.start,
                    duration: n.duration, velocity: n.velocity, mute: 0});
            }
            for (var key in adds) {
                if (adds.hasOwnProperty(key) && adds[key].length > 0) {
                    this.host.live(track.placements[key].path).call("add_new_notes", {notes: adds[key]});
                    report.notes += adds[key].length;
                    report.steps++;
                }
            }
        }
    } finally {
        if (undoOpen) {
            song.call("end_undo_step");
        }
    }
    for (var path in touched) {
        if (touched.hasOwnProperty(path)) { report.clips++; }
    }
    return report;
};

// ---- Max entry points --------------------------------------------------------------------------------

var device = null;

function maxHost() {
    return {
        send: function (message) { outlet(0, message); },
        show: function (line, words) { outlet(1, line, words); },
        live: function (path) { return new LiveAPI(null, path); },
        now: function () { return new Date().getTime(); },
        later: function (ms, fn) { var task = new Task(fn, this); task.schedule(ms); }
    };
}

function started() {
    if (device === null) {
        device = new Device(maxHost());
        device.start();
    }
    return device;
}

// [live.thisdevice] bangs this once the Live API is usable
function init() { started(); }
function fill() { started().fill(); }
function regenerate() { started().regenerate(); }
function undo() { started().undo(); }
function restore(version) { started().restore(version); }
function reset_learning() { started().resetLearning(); }
function target(value) { started().setMode(value); }
function program(value) { started().setProgram(value); }
function ports(agent, listen) { started().setPorts(agent, listen); }
function timeout(seconds) { started().setTimeout(seconds); }
function tick() { started().tick(); }

// [udpreceive] -> every reply arrives as a message named by its OSC address
function anything() {
    started().receive(messagename, arrayfromargs(arguments));
}

if (typeof module !== "undefined") {
    module.exports = {Device: Device, programOf: programOf, device: function () { return device; },
        init: init, fill: fill, regenerate: regenerate, undo: undo, restore: restore, reset_learning: reset_learning,
        target: target, program: program, ports: ports, timeout: timeout, tick: tick, anything: anything};
}
