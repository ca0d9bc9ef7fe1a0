// A stand-in for Live's JavaScript LiveAPI, following the Live Object Model documentation
// (docs.cycling74.com/apiref/lom: Song, Song.View, Track, ClipSlot, Clip), for running
// patches/max/sideman-compose.js under node. What it holds to:
//
// - paths: `live_set`, `live_set view detail_clip`, `live_set tracks N`, `live_set tracks N clip_slots M`,
//   `live_set tracks N clip_slots M clip`, `live_set tracks N arrangement_clips M`, and `id N`; a path to
//   nothing has id 0, as in Max;
// - `get(prop)` answers a list (`["Bass"]`, `[8]`), `getcount(child)` a number, `.id` and `.path` strings;
// - Clip: `length` (the loop's length when looping, else start to end marker), `looping`, `loop_start`,
//   `loop_end`, `start_marker`, `end_marker`, `start_time`/`end_time` (Arrangement: its edges in the song);
//   `get_notes_extended(from_pitch, pitch_span, from_time, time_span)` and `get_selected_notes_extended()`
//   answer a JSON dictionary {"notes": [{note_id, pitch, start_time, duration, velocity, mute, probability,
//   velocity_deviation, release_velocity}]} of the notes starting in the area; `add_new_notes({notes: [...]})`
//   (pitch, start_time, duration required; velocity, mute optional) answers the new note ids;
//   `remove_notes_extended(from_pitch, pitch_span, from_time, time_span)` deletes the notes starting there;
//   the deprecated `get_notes`, `set_notes`, `remove_notes`, `replace_selected_notes` throw;
// - Track: `name`, `has_midi_input`, `is_foldable`, `create_midi_clip(start_time, length)` (Live 12 only:
//   set `live: 11` to refuse it); ClipSlot: `has_clip`, `create_clip(length)`;
// - Song: `signature_numerator`/`_denominator`, `loop_start`, `loop_length`, `begin_undo_step`,
//   `end_undo_step` (set `undoGroups: false` for a Live whose Song lacks them: they are then absent from
//   `info` and refused). Every note write is logged with the undo depth at that moment;
// - `info`: LiveAPI's description of the object, one `id`, `type`, `children`, `property` and `function`
//   line each and `done` last (the format `live.object`'s `getinfo` answers).

"use strict";

function LiveSet(spec) {
    this.live = spec.live || 12;
    this.undoGroups = spec.undoGroups !== false;
    this.numerator = spec.numerator || 4;
    this.denominator = spec.denominator || 4;
    this.loop_start = spec.loop_start || 0;
    this.loop_length = spec.loop_length || 16;
    this.scenes = spec.scenes || 0;
    this.nextId = 1;
    this.nextNote = 1;
    this.objects = {};
    this.undoDepth = 0;
    this.undoSteps = 0;
    this.log = [];  // [{call, depth}] for every write
    this.detail = null;
    this.tracks = [];
    for (var i = 0; i < spec.tracks.length; i++) {
        var t = spec.tracks[i];
        var track = {id: this.register("track"), name: t.name, midi: t.midi !== false, foldable: !!t.foldable,
            slots: [], arrangement: []};
        for (var s = 0; s < this.scenes; s++) {
            var slot = {id: this.register("slot"), clip: null};
            if (t.slots && t.slots[s]) {
                slot.clip = this.makeClip(t.slots[s], false);
            }
            track.slots.push(slot);
        }
        for (var a = 0; a < (t.arrangement || []).length; a++) {
            track.arrangement.push(this.makeClip(t.arrangement[a], true));
        }
        this.tracks.push(track);
    }
}

LiveSet.prototype.register = function (kind) {
    var id = this.nextId++;
    this.objects[id] = kind;
    return id;
};

LiveSet.prototype.makeClip = function (c, arrangement) {
    var clip = {id: this.register("clip"), arrangement: arrangement, looping: c.looping === undefined ? 1 : c.looping,
        loop_start: c.loop_start || 0, loop_end: c.loop_end || c.length, start_marker: c.start_marker || 0,
        end_marker: c.end_marker || c.length, start_time: c.start_time || 0, notes: []};
    for (var i = 0; i < (c.notes || []).length; i++) {
        this.addNote(clip, c.notes[i]);
    }
    return clip;
};

LiveSet.prototype.addNote = function (clip, n) {
    var note = {note_id: this.nextNote++, pitch: n.pitch, start_time: n.start_time, duration: n.duration,
        velocity: n.velocity === undefined ? 100 : n.velocity, mute: n.mute ? 1 : 0, probability: 1,
        velocity_deviation: 0, release_velocity: 64};
    clip.notes.push(note);
    return note.note_id;
};

LiveSet.prototype.clipLength = function (clip) {
    return clip.looping ? clip.loop_end - clip.loop_start : clip.end_marker - clip.start_marker;
};

// Resolve a path to [kind, object, owner]; null for nothing.
LiveSet.prototype.resolve = function (path) {
    var w = String(path).replace(/"/g, "").trim().split(/\s+/);
    if (w[0] === "id") {
        return this.byId(Number(w[1]));
    }
    if (w[0] !== "live_set") { return null; }
    if (w.length === 1) { return ["song", this]; }
    if (w[1] === "view" && w[2] === "detail_clip") {
        return this.detail === null ? null : ["clip", this.detail];
    }
    if (w[1] !== "tracks") { return null; }
    var track = this.tracks[Number(w[2])];
    if (track === undefined) { return null; }
    if (w.length === 3) { return ["track", track]; }
    if (w[3] === "clip_slots") {
        var slot = track.slots[Number(w[4])];
        if (slot === undefined) { return null; }
        if (w.length === 5) { return ["slot", slot, track]; }
        return (w[5] === "clip" && slot.clip !== null) ? ["clip", slot.clip] : null;
    }
    if (w[3] === "arrangement_clips") {
        var clip = track.arrangement[Number(w[4])];
        return clip === undefined ? null : ["clip", clip];
    }
    return null;
};

LiveSet.prototype.byId = function (id) {
    for (var t = 0; t < this.tracks.length; t++) {
        var track = this.tracks[t];
        if (track.id === id) { return ["track", track]; }
        for (var s = 0; s < track.slots.length; s++) {
            if (track.slots[s].id === id) { return ["slot", track.slots[s], track]; }
            if (track.slots[s].clip && track.slots[s].clip.id === id) { return ["clip", track.slots[s].clip]; }
        }
        for (var a = 0; a < track.arrangement.length; a++) {
            if (track.arrangement[a].id === id) { return ["clip", track.arrangement[a]]; }
        }
    }
    return null;
};

LiveSet.prototype.notesIn = function (clip, fromPitch, pitchSpan, fromTime, timeSpan) {
    return clip.notes.filter(function (n) {
        return n.pitch >= fromPitch && n.pitch < fromPitch + pitchSpan && n.start_time >= fromTime - 1e-9
            && n.start_time < fromTime + timeSpan - 1e-9;
    });
};

LiveSet.prototype.write = function (call) {
    this.log.push({call: call, depth: this.undoDepth});
};

function copy(notes) {
    return JSON.stringify({notes: notes.map(function (n) {
        var out = {};
        for (var k in n) {
            if (k !== "selected") { out[k] = n[k]; }
        }
        return out;
    })});
}

function number(value, what) {
    if (typeof value !== "number" || !isFinite(value)) {
        throw new Error(what + " must be a number, got " + JSON.stringify(value));
    }
    return value;
}

var INFO = {
    song: ["type Song", "children tracks Track", "children scenes Scene", "child view View",
        "property loop_length float", "property loop_start float", "property signature_denominator int",
        "property signature_numerator int", "function continue_playing", "function start_playing",
        "function stop_playing", "function undo", "function redo"],
    track: ["type Track", "children clip_slots ClipSlot", "children arrangement_clips Clip", "property name unicode",
        "property has_midi_input bool", "property is_foldable bool"],
    slot: ["type ClipSlot", "child clip Clip", "property has_clip bool", "function create_clip"],
    clip: ["type Clip", "property length float", "property looping bool", "property loop_start float",
        "property loop_end float", "function get_notes_extended", "function get_selected_notes_extended",
        "function add_new_notes", "function remove_notes_extended"]
};

function info(set, target, id) {
    if (target === null) { return "No object"; }
    var lines = ["id " + id].concat(INFO[target[0]]);
    if (target[0] === "song" && set.undoGroups) { lines.push("function begin_undo_step", "function end_undo_step"); }
    if (target[0] === "track" && set.live >= 12) { lines.push("function create_midi_clip"); }
    return lines.concat(["done"]).join("\n");
}

// The LiveAPI class bound to one LiveSet (Max's global `LiveAPI`).
function liveApiFor(set) {
    function LiveAPI(callback, path) {
        this.set = set;
        this.target = set.resolve(path === undefined ? "" : path);
        this.path = "\"" + String(path).replace(/"/g, "") + "\"";
        var obj = this.target === null ? null : this.target[1];
        this.id = String(obj === null ? 0 : (obj === set ? 1000000 : obj.id));
        if (this.target !== null && this.target[0] === "clip" && String(path).indexOf("detail_clip") >= 0) {
            this.path = "\"" + set.pathOf(obj) + "\"";
        }
        this.info = info(set, this.target, this.id);
    }

    LiveAPI.prototype.need = function (kind) {
        if (this.target === null) { throw new Error("no object at " + this.path); }
        if (this.target[0] !== kind) { throw new Error(this.target[0] + " has no such property or function"); }
        return this.target[1];
    };

    LiveAPI.prototype.getcount = function (child) {
        if (this.target === null) { return 0; }
        var obj = this.target[1];
        if (this.target[0] === "song") {
            if (child === "tracks") { return set.tracks.length; }
            if (child === "scenes") { return set.scenes; }
        }
        if (this.target[0] === "track") {
            if (child === "clip_slots") { return obj.slots.length; }
            if (child === "arrangement_clips") { return obj.arrangement.length; }
        }
        throw new Error(this.target[0] + " has no child list " + child);
    };

    LiveAPI.prototype.get = function (prop) {
        if (this.target === null) { throw new Error("no object at " + this.path); }
        var kind = this.target[0];
        var obj = this.target[1];
        var props;
        if (kind === "song") {
            props = {signature_numerator: set.numerator, signature_denominator: set.denominator,
                loop_start: set.loop_start, loop_length: set.loop_length};
        } else if (kind === "track") {
            props = {name: obj.name, has_midi_input: obj.midi ? 1 : 0, is_foldable: obj.foldable ? 1 : 0};
        } else if (kind === "slot") {
            props = {has_clip: obj.clip === null ? 0 : 1};
        } else {
            var length = set.clipLength(obj);
            props = {length: length, looping: obj.looping, loop_start: obj.loop_start, loop_end: obj.loop_end,
                start_marker: obj.start_marker, end_marker: obj.end_marker, is_midi_clip: 1,
                is_arrangement_clip: obj.arrangement ? 1 : 0,
                start_time: obj.arrangement ? obj.start_time : 0,
                end_time: obj.arrangement ? obj.start_time + (obj.end_time_span || length)
                    : (obj.looping ? obj.loop_end : obj.end_marker)};
        }
        if (!(prop in props)) { throw new Error(kind + " has no property " + prop); }
        return [props[prop]];
    };

    LiveAPI.prototype.set = function () {
        throw new Error("the device never sets properties");
    };

    LiveAPI.prototype.call = function (fn) {
        var args = Array.prototype.slice.call(arguments, 1);
        if (["get_notes", "set_notes", "remove_notes", "replace_selected_notes", "notes", "done"].indexOf(fn) >= 0) {
            throw new Error("deprecated notes API call " + fn + " (use the Live 11 *_extended functions)");
        }
        if (this.target === null) { throw new Error("no object at " + this.path); }
        var kind = this.target[0];
        if (kind === "song" && set.undoGroups) {
            if (fn === "begin_undo_step") { set.undoDepth++; set.undoSteps++; return null; }
            if (fn === "end_undo_step") {
                if (set.undoDepth === 0) { throw new Error("end_undo_step without begin_undo_step"); }
                set.undoDepth--;
                return null;
            }
        }
        if (kind === "track" && fn === "create_midi_clip") {
            if (set.live < 12) { throw new Error("Invalid syntax: 'create_midi_clip'"); }
            var track = this.target[1];
            var start = number(args[0], "start_time");
            var length = number(args[1], "length");
            var clip = set.makeClip({length: length, looping: 0, start_marker: 0, end_marker: length,
                start_time: start}, true);
            track.arrangement.push(clip);
            track.arrangement.sort(function (a, b) { return a.start_time - b.start_time; });
            set.write("create_midi_clip");
            return ["id", clip.id];
        }
        if (kind === "clip") {
            var c = this.target[1];
            if (fn === "get_notes_extended") {
                return copy(set.notesIn(c, number(args[0], "from_pitch"), number(args[1], "pitch_span"),
                    number(args[2], "from_time"), number(args[3], "time_span")));
            }
            if (fn === "get_selected_notes_extended") {
                return copy(c.notes.filter(function (n) { return n.selected; }));
            }
            if (fn === "remove_notes_extended") {
                var gone = set.notesIn(c, number(args[0], "from_pitch"), number(args[1], "pitch_span"),
                    number(args[2], "from_time"), number(args[3], "time_span"));
                c.notes = c.notes.filter(function (n) { return gone.indexOf(n) < 0; });
                set.write("remove_notes_extended");
                return null;
            }
            if (fn === "add_new_notes") {
                var dict = args[0];
                if (dict === null || typeof dict !== "object" || !(dict.notes instanceof Array)) {
                    throw new Error("add_new_notes takes a dictionary {notes: [...]}");
                }
                var ids = [];
                for (var i = 0; i < dict.notes.length; i++) {
                    var n = dict.notes[i];
                    var pitch = number(n.pitch, "pitch");
                    if (pitch !== Math.round(pitch) || pitch < 0 || pitch > 127) { throw new Error("pitch " + pitch); }
                    if (number(n.duration, "duration") <= 0) { throw new Error("duration " + n.duration); }
                    number(n.start_time, "start_time");
                    if (n.velocity !== undefined && (number(n.velocity, "velocity") < 0 || n.velocity > 127)) {
                        throw new Error("velocity " + n.velocity);
                    }
                    ids.push(set.addNote(c, n));
                }
                set.write("add_new_notes");
                return ids;
            }
        }
        throw new Error(kind + " has no function " + fn);
    };

    return LiveAPI;
}

LiveSet.prototype.pathOf = function (clip) {
    for (var t = 0; t < this.tracks.length; t++) {
        for (var s = 0; s < this.tracks[t].slots.length; s++) {
            if (this.tracks[t].slots[s].clip === clip) { return "live_set tracks " + t + " clip_slots " + s + " clip"; }
        }
        for (var a = 0; a < this.tracks[t].arrangement.length; a++) {
            if (this.tracks[t].arrangement[a] === clip) { return "live_set tracks " + t + " arrangement_clips " + a; }
        }
    }
    return "";
};

module.exports = {LiveSet: LiveSet, liveApiFor: liveApiFor};
