// sideman-chords.js: chord names for the Sideman Max for Live device, from a chord clip read through the
// Live API (the whole progression, ahead of time) or from notes held on the chord channel.
//
// "readclip TRACK CLIP SOURCE" (TRACK and CLIP count from 1, SOURCE arrangement or session): reads the
// clip's notes with Clip.get_notes_extended (Live 11+; never the deprecated get_notes), names the chord
// sounding at each onset and outputs "clear", then "chord BEAT DUR NAME" per chord in song beats: an
// Arrangement clip where it sits (start_time, its loop repeated up to end_time), a Session clip from beat 0
// for one pass. A missing clip outputs "missing PATH". Live Object Model: docs.cycling74.com/apiref/lom/clip.
//
// "PITCH VELOCITY" note messages (velocity 0 = note off) from the chord channel: outputs "held NAME" each
// time the held notes make a different chord: "C", "Am7", "F#m7b5", "Bb/D". Held notes that make no known
// chord are ignored (the previous chord stays). Releasing notes outputs nothing.
//
// The suffixes are those of agent/music/chords.py; tests/test_max_patch.py runs this file under node and
// checks every root x quality (and slash chords) against agent.music.chords.parse_symbol.
// ES5 only: Max's [js] is ES5.

inlets = 1;
outlets = 1;

var NOTE_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
// [suffix, intervals above the root], in agent.music.chords.QUALITIES order (plain triads first, so they
// win a tie such as C6 = Am7/C: the bass decides first, then this order).
var QUALITIES = [
    ["", [0, 4, 7]], ["m", [0, 3, 7]], ["dim", [0, 3, 6]], ["aug", [0, 4, 8]],
    ["sus2", [0, 2, 7]], ["sus4", [0, 5, 7]], ["7", [0, 4, 7, 10]], ["maj7", [0, 4, 7, 11]],
    ["m7", [0, 3, 7, 10]], ["m7b5", [0, 3, 6, 10]], ["dim7", [0, 3, 6, 9]], ["mMaj7", [0, 3, 7, 11]],
    ["6", [0, 4, 7, 9]], ["m6", [0, 3, 7, 9]], ["7sus4", [0, 5, 7, 10]]
];

var held = {};  // pitch -> true while the note is held
var last = "";

function maskOf(pitchClasses) {
    var mask = 0;
    for (var i = 0; i < pitchClasses.length; i++) {
        mask |= 1 << (((pitchClasses[i] % 12) + 12) % 12);
    }
    return mask;
}

// The symbol for a set of pitch classes with `bass` the lowest one, or "" when no chord matches.
function chordName(pitchClasses, bass) {
    var mask = maskOf(pitchClasses);
    var found = "";
    for (var pass = 0; pass < 2 && found === ""; pass++) {
        for (var q = 0; q < QUALITIES.length && found === ""; q++) {
            for (var root = 0; root < 12; root++) {
                if (pass === 0 && root !== bass) {
                    continue;  // first pass: a chord on the bass note
                }
                var tones = [];
                for (var k = 0; k < QUALITIES[q][1].length; k++) {
                    tones.push(root + QUALITIES[q][1][k]);
                }
                if (maskOf(tones) === mask) {
                    found = NOTE_NAMES[root] + QUALITIES[q][0] + (root === bass ? "" : "/" + NOTE_NAMES[bass]);
                    break;
                }
            }
        }
    }
    return found;
}

function heldName() {
    var pitches = [];
    for (var p in held) {
        if (held.hasOwnProperty(p)) {
            pitches.push(parseInt(p, 10));
        }
    }
    if (pitches.length < 3) {
        return "";
    }
    pitches.sort(function (a, b) { return a - b; });
    return chordName(pitches, pitches[0] % 12);
}

function list(pitch, velocity) {
    if (velocity <= 0) {
        delete held[pitch];
        return;  // releasing notes one by one passes through other chords: name only what is struck
    }
    held[pitch] = true;
    var name = heldName();
    if (name !== "" && name !== last) {
        last = name;
        outlet(0, "held", name);
    }
}

var EPS = 1e-6;

// The chords of notes [{pitch, start_time, duration, mute}] over clip time [from, to): [[start, end, name]],
// each the chord sounding at an onset (all notes held there), merged while the name stays the same. An
// onset whose notes name no chord keeps the previous one sounding.
function chordsOf(notes, from, to) {
    var onsets = [], chords = [], i, j;
    for (i = 0; i < notes.length; i++) {
        if (!notes[i].mute && notes[i].start_time >= from - EPS && notes[i].start_time < to - EPS) {
            onsets.push(notes[i].start_time);
        }
    }
    onsets.sort(function (a, b) { return a - b; });
    for (i = 0; i < onsets.length; i++) {
        if (i > 0 && onsets[i] - onsets[i - 1] < EPS) {
            continue;
        }
        var sounding = [];
        for (j = 0; j < notes.length; j++) {
            var n = notes[j];
            if (!n.mute && n.start_time <= onsets[i] + EPS && n.start_time + n.duration > onsets[i] + EPS) {
                sounding.push(n.pitch);
            }
        }
        sounding.sort(function (a, b) { return a - b; });
        var name = sounding.length >= 3 ? chordName(sounding, sounding[0] % 12) : "";
        var previous = chords.length ? chords[chords.length - 1] : null;
        if (name === "" || (previous && previous[2] === name)) {
            continue;  // the previous chord goes on
        }
        if (previous) {
            previous[1] = onsets[i];
        }
        chords.push([onsets[i], to, name]);
    }
    return chords;
}

// Where a clip's passes sound in song beats: [[song_beat, clip_from, clip_to]]. `clip` holds the Live API
// properties start_time, end_time, start_marker, end_marker, loop_start, loop_end and looping.
function passesOf(clip) {
    if (!clip.looping) {
        return [[clip.start_time, clip.start_marker, clip.end_marker]];
    }
    var out = [[clip.start_time, clip.start_marker, clip.loop_end]];
    var at = clip.start_time + clip.loop_end - clip.start_marker;
    var length = clip.loop_end - clip.loop_start;
    while (length > EPS && at < clip.end_time - EPS) {
        out.push([at, clip.loop_start, Math.min(clip.loop_end, clip.loop_start + clip.end_time - at)]);
        at += length;
    }
    return out;
}

// The song's chord track from a clip's notes and its properties: [[beat, dur, name]].
function timeline(notes, clip) {
    var passes = passesOf(clip), out = [], p, c;
    for (p = 0; p < passes.length; p++) {
        var chords = chordsOf(notes, passes[p][1], passes[p][2]);
        for (c = 0; c < chords.length; c++) {
            out.push([passes[p][0] + chords[c][0] - passes[p][1], chords[c][1] - chords[c][0], chords[c][2]]);
        }
    }
    return out;
}

function property(api, name) {
    var value = api.get(name);
    return Number(value instanceof Array ? value[0] : value);
}

function readclip(track, clipIndex, source) {
    var session = String(source) === "session";
    var path = "live_set tracks " + (track - 1) + (session ? " clip_slots " + (clipIndex - 1) + " clip"
                                                           : " arrangement_clips " + (clipIndex - 1));
    var api = new LiveAPI(path);
    if (!api || Number(api.id) === 0 || !property(api, "is_midi_clip")) {
        outlet(0, "missing", path);
        return;
    }
    var clip = {looping: property(api, "looping") !== 0};
    var names = ["start_marker", "end_marker", "loop_start", "loop_end"];
    for (var i = 0; i < names.length; i++) {
        clip[names[i]] = property(api, names[i]);
    }
    var from = Math.min(clip.start_marker, clip.loop_start);
    var to = Math.max(clip.end_marker, clip.loop_end);
    clip.start_time = session ? 0 : property(api, "start_time");
    clip.end_time = session ? clip.start_time + (clip.looping ? clip.loop_end : clip.end_marker) - clip.start_marker
                            : property(api, "end_time");
    var reply = api.call("get_notes_extended", 0, 128, from, to - from);
    var notes = (typeof reply === "string" ? JSON.parse(reply) : reply).notes;
    var chords = timeline(notes, clip);
    outlet(0, "clear");
    for (var c = 0; c < chords.length; c++) {
        outlet(0, "chord", chords[c][0], chords[c][1], chords[c][2]);
    }
}

// "clear": forget held notes (transport stop).
function clear() {
    held = {};
    last = "";
}

if (typeof module !== "undefined") {
    module.exports = { chordName: chordName, list: list, clear: clear, chordsOf: chordsOf, passesOf: passesOf,
                       timeline: timeline, readclip: readclip };
}
