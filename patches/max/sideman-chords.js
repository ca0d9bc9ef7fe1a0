// sideman-chords.js: names the chord held on the chord channel, for the Sideman Max for Live device.
//
// Inlet: "PITCH VELOCITY" note messages (velocity 0 = note off), from the device's chord channel.
// Outlet: a chord symbol the agent reads (patches/OSC.md /chord), each time the held notes make a
// different chord: "C", "Am7", "F#m7b5", "Bb/D". Held notes that make no known chord are ignored (the
// previous chord stays). Releasing notes outputs nothing: a chord lasts until the next one is struck.
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
        outlet(0, name);
    }
}

// "clear": forget held notes (transport stop).
function clear() {
    held = {};
    last = "";
}

if (typeof module !== "undefined") {
    module.exports = { chordName: chordName, list: list, clear: clear };
}
