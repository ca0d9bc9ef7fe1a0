// Runs patches/max/sideman-compose.js as Max would (its entry points, with Max's globals: outlet,
// LiveAPI, Task, messagename, arrayfromargs) against the Live API stand-in, over real UDP to an agent.
// [udpsend]/[udpreceive] are played by a node dgram socket that encodes and decodes OSC like Max:
// whole numbers as `i`, others as `f`, text as `s`; an undecodable datagram is dropped (as [udpreceive] does).
//
// usage: node harness.js AGENT_PORT
// Prints one JSON object: every scenario's statuses and clip contents, and every datagram sent (hex),
// for tests/test_compose_device.py to check.

"use strict";

var dgram = require("dgram");
var path = require("path");
var standin = require("./live_standin.js");

var DEVICE = path.resolve(__dirname, "../../patches/max/sideman-compose.js");
var AGENT_PORT = Number(process.argv[2]);
var sent = [];
var opened = 0;  // devices started (each says /compose/clear once)

// ---- OSC ------------------------------------------------------------------------------------------------

function pad(buf) {
    var padded = Buffer.alloc(Math.ceil((buf.length + 1) / 4) * 4);
    buf.copy(padded);
    return padded;
}

function encode(message) {
    var tags = ",";
    var parts = [];
    for (var i = 1; i < message.length; i++) {
        var v = message[i];
        var b;
        if (typeof v === "string") {
            tags += "s";
            parts.push(pad(Buffer.from(v, "utf8")));
        } else if (Number.isInteger(v)) {
            tags += "i";
            b = Buffer.alloc(4);
            b.writeInt32BE(v);
            parts.push(b);
        } else {
            tags += "f";
            b = Buffer.alloc(4);
            b.writeFloatBE(v);
            parts.push(b);
        }
    }
    return Buffer.concat([pad(Buffer.from(message[0])), pad(Buffer.from(tags))].concat(parts));
}

function readString(buf, at) {
    var end = buf.indexOf(0, at);
    if (end < 0) { throw new Error("unterminated string"); }
    return [buf.toString("utf8", at, end), Math.ceil((end + 1) / 4) * 4];
}

function decode(buf) {
    var r = readString(buf, 0);
    var address = r[0];
    if (address[0] !== "/") { throw new Error("not an OSC message"); }
    var t = readString(buf, r[1]);
    if (t[0][0] !== ",") { throw new Error("no type tags"); }
    var at = t[1];
    var args = [];
    for (var i = 1; i < t[0].length; i++) {
        var tag = t[0][i];
        if (tag === "i") { args.push(buf.readInt32BE(at)); at += 4; }
        else if (tag === "f") { args.push(buf.readFloatBE(at)); at += 4; }
        else if (tag === "s") { var s = readString(buf, at); args.push(s[0]); at = s[1]; }
        else { throw new Error("type " + tag); }
    }
    return [address, args];
}

// ---- a device in a Live set ---------------------------------------------------------------------------

function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
}

async function openDevice(liveSpec, agentPort) {
    var set = new standin.LiveSet(liveSpec);
    var statuses = {};
    var history = [];
    var sock = dgram.createSocket("udp4");
    await new Promise(function (resolve) { sock.bind(0, "127.0.0.1", resolve); });
    var port = sock.address().port;
    global.LiveAPI = standin.liveApiFor(set);
    global.post = function () {};
    global.Task = function (fn) { this.fn = fn; };
    global.Task.prototype.schedule = function (ms) { setTimeout(this.fn, ms); };
    global.arrayfromargs = function (args) { return Array.prototype.slice.call(args); };
    global.outlet = function (n) {
        var rest = Array.prototype.slice.call(arguments, 1);
        if (n === 0) {
            var message = rest[0];
            var data = encode(message);
            sent.push(data.toString("hex"));
            sock.send(data, max.device().agentPort, "127.0.0.1");
        } else {
            statuses[rest[0]] = rest[1];
            history.push(rest[0] + ": " + rest[1]);
        }
    };
    delete require.cache[DEVICE];
    var max = require(DEVICE);
    sock.on("message", function (data) {
        var decoded;
        try {
            decoded = decode(data);
        } catch (err) {
            history.push("udpreceive dropped an unreadable datagram: " + err.message);
            return;
        }
        global.messagename = decoded[0];
        max.anything.apply(null, decoded[1]);
    });
    max.init();
    opened++;
    var device = max.device();
    max.ports(agentPort, port);
    var metro = setInterval(function () { max.tick(); }, 100);
    return {max: max, set: set, statuses: statuses, history: history, device: device, sock: sock, port: port,
        close: function () { clearInterval(metro); sock.close(); }};
}

async function idle(dev, limitMs) {
    var waited = 0;
    while ((dev.device.pending !== null || dev.device.queue.length > 0) && waited < limitMs) {
        await sleep(20);
        waited += 20;
    }
    return waited;
}

// Every clip of the set: track name, where, and its notes (sorted).
function clips(set) {
    var out = [];
    set.tracks.forEach(function (t, ti) {
        t.slots.forEach(function (s, si) {
            if (s.clip) { out.push({track: ti, where: "slot " + si, notes: sorted(s.clip.notes)}); }
        });
        t.arrangement.forEach(function (c) {
            out.push({track: ti, where: "arrangement " + c.start_time + " " + set.clipLength(c), notes: sorted(c.notes)});
        });
    });
    return out;
}

function sorted(notes) {
    return notes.map(function (n) {
        return {note_id: n.note_id, pitch: n.pitch, start_time: n.start_time, duration: n.duration,
            velocity: n.velocity, mute: n.mute};
    }).sort(function (a, b) { return a.start_time - b.start_time || a.pitch - b.pitch; });
}

function chord(root, start, dur) {
    return [0, 4, 7].map(function (i) { return {pitch: root + i, start_time: start, duration: dur, velocity: 80}; });
}

var PROGRESSION = [48, 53, 55, 48];

function sessionSet() {
    var keys = [];
    var keys2 = [];
    for (var b = 0; b < 2; b++) {
        keys = keys.concat(chord(PROGRESSION[b], 4 * b, 3.5));
        keys2 = keys2.concat(chord(PROGRESSION[b + 2], 4 * b, 3.5));
    }
    var bass = [{pitch: 36, start_time: 0, duration: 2, velocity: 90}, {pitch: 41, start_time: 4, duration: 2, velocity: 90}];
    var kick = [0, 1, 2, 3].map(function (i) { return {pitch: 36, start_time: i, duration: 0.25, velocity: 100}; });
    return {scenes: 2, tracks: [
        {name: "Keys [0]", slots: [{length: 8, notes: keys}, {length: 8, notes: keys2}]},
        {name: "Bass (33)", slots: [{length: 8, notes: bass}, {length: 8}]},
        {name: "Lead #80", slots: [null, {length: 8}]},
        {name: "Drums", slots: [{length: 4, notes: kick}, {length: 4, notes: kick}]},
        {name: "Audio", midi: false}
    ]};
}

function arrangementSet() {
    var keys = [];
    for (var b = 0; b < 4; b++) { keys = keys.concat(chord(PROGRESSION[b], 4 * b, 3.5)); }
    var bass = [{pitch: 36, start_time: 0, duration: 2, velocity: 90}, {pitch: 41, start_time: 4, duration: 2, velocity: 90}];
    return {scenes: 1, loop_start: 8, loop_length: 8, tracks: [
        {name: "Keys [0]", slots: [null], arrangement: [{length: 16, looping: 0, end_marker: 16, start_time: 0, notes: keys}]},
        {name: "Bass (33)", slots: [null], arrangement: [{length: 8, looping: 0, end_marker: 8, start_time: 0, notes: bass}]},
        {name: "Lead #80", slots: [null], arrangement: [{length: 8, looping: 0, end_marker: 8, start_time: 8}]}
    ]};
}

function snapshot(dev, extra) {
    var out = {statuses: JSON.parse(JSON.stringify(dev.statuses)), history: dev.history.slice(),
        clips: clips(dev.set), undoSteps: dev.set.undoSteps, writes: dev.set.log.slice(),
        version: dev.device.version, written: JSON.parse(JSON.stringify(dev.device.written))};
    for (var k in extra || {}) { out[k] = extra[k]; }
    return out;
}

// ---- scenarios ------------------------------------------------------------------------------------------

async function composing(results) {
    var dev = await openDevice(sessionSet(), AGENT_PORT);
    await sleep(1500);  // a heartbeat or two: online
    results.session_online = dev.statuses.connection;
    results.initial = snapshot(dev);
    dev.max.fill();
    var ms = await idle(dev, 120000);
    results.session = snapshot(dev, {ms: ms});

    // mark: select the first half of the notes of the filled clip with the most notes, then Regenerate
    var target = null;
    dev.set.tracks.forEach(function (t) {
        t.slots.forEach(function (s) {
            if (s.clip && s.clip.notes.length > 0 && (t.name === "Bass (33)" || t.name === "Lead #80") &&
                (target === null || s.clip.notes.length > target.notes.length)) { target = s.clip; }
        });
    });
    var before = clips(dev.set);
    target.notes.forEach(function (n) { n.selected = n.start_time < 4; });
    dev.set.detail = target;
    var selected = target.notes.filter(function (n) { return n.selected; }).map(function (n) {
        return [n.start_time, n.start_time + n.duration];
    });
    dev.max.regenerate();
    await idle(dev, 120000);
    results.regenerate = snapshot(dev, {before: before, target: dev.set.pathOf(target), selected: selected});

    dev.max.undo();
    await idle(dev, 60000);
    results.undo = snapshot(dev);

    dev.max.restore(1);
    await idle(dev, 60000);
    results.restore = snapshot(dev);

    dev.max.reset_learning();
    await sleep(100);
    results.reset = snapshot(dev);

    // knobs out of range, and a version the agent does not have
    dev.max.program(300);
    results.program = dev.statuses.activity;
    dev.max.timeout("soon");
    results.timeout_word = dev.statuses.activity;
    dev.max.target("sideways");
    results.target_word = dev.statuses.activity;
    dev.max.restore(99);
    await idle(dev, 60000);
    results.restore_missing = snapshot(dev);
    dev.close();

    var arr = await openDevice(arrangementSet(), AGENT_PORT);
    arr.max.target("Arrangement");
    arr.max.fill();
    await idle(arr, 120000);
    results.arrangement = snapshot(arr);
    // regenerate what lies under the brace (no notes selected): the brace is the mark
    arr.set.loop_start = 12;
    arr.set.loop_length = 4;
    var beforeArr = clips(arr.set);
    arr.max.regenerate();
    await idle(arr, 120000);
    results.arrangement_regenerate = snapshot(arr, {before: beforeArr});
    arr.close();

    var live11 = await openDevice(Object.assign(arrangementSet(), {live: 11, undoGroups: false}), AGENT_PORT);
    live11.max.target(1);
    live11.max.fill();
    await idle(live11, 120000);
    results.arrangement_live11 = snapshot(live11);
    live11.close();
}

// Select the first note of a clip, show the clip in the Detail View, press Regenerate, wait.
async function regenerateFirstNote(dev, clip) {
    clip.notes.forEach(function (n) { n.selected = false; });
    var first = clip.notes.slice().sort(function (a, b) { return a.start_time - b.start_time; })[0];
    first.selected = true;
    dev.set.detail = clip;
    dev.max.regenerate();
    await idle(dev, 120000);
    return dev.statuses.activity;
}

// What the marks taught outlives a Fill and goes with Reset learning (the agent logs each feedback round:
// tests/test_compose_device.py reads the rounds from its log). A new device: a new session at the agent.
async function learning(results) {
    var dev = await openDevice(sessionSet(), AGENT_PORT);
    var bass = dev.set.tracks[1].slots[1];
    var lead = dev.set.tracks[2].slots[1];
    var said = [];
    dev.max.fill();
    await idle(dev, 120000);
    said.push(dev.statuses.activity);
    said.push(await regenerateFirstNote(dev, bass.clip));  // the agent remembers 1 rejected stretch
    lead.clip.notes = [];  // the songwriter empties the lead clip and fills again
    dev.max.fill();
    await idle(dev, 120000);
    said.push(dev.statuses.activity);
    said.push(await regenerateFirstNote(dev, lead.clip));  // 2: the first lesson stayed
    dev.max.reset_learning();
    await sleep(100);
    said.push(await regenerateFirstNote(dev, bass.clip));  // 1 again
    results.learning = snapshot(dev, {said: said});
    dev.close();
}

async function agentDown(results) {
    var nobody = dgram.createSocket("udp4");
    await new Promise(function (resolve) { nobody.bind(0, "127.0.0.1", resolve); });
    var deadPort = nobody.address().port;
    nobody.close();  // a port nobody listens on
    var dev = await openDevice(sessionSet(), deadPort);
    dev.max.timeout(2);
    await sleep(3500);
    dev.max.fill();
    var during = dev.statuses.activity;
    await idle(dev, 10000);
    var timedOut = dev.statuses.activity;
    dev.max.reset_learning();
    results.down = snapshot(dev, {during: during, timedOut: timedOut, reset: dev.statuses.activity});
    dev.close();
}

// A fake agent answering each /compose/fill with a different wrong reply.
async function badReplies(results) {
    var fake = dgram.createSocket("udp4");
    await new Promise(function (resolve) { fake.bind(0, "127.0.0.1", resolve); });
    var fills = 0;
    var replyTo = 0;
    fake.on("message", function (data, rinfo) {
        var m;
        try { m = decode(data); } catch (err) { return; }
        if (m[0] === "/agent/hello") { replyTo = m[1][0]; return; }
        if (m[0] !== "/compose/fill") { return; }
        var req = m[1][0];
        var answers = [
            [["/compose/begin", req, 0, 1], ["/compose/result", req, 3, 8.0, 16.0, 3],
                ["/compose/result/note", req, 3, 8.5, 60, 90, 1.5], ["/compose/result/note", req, 3, 9.5, 62, 90, 1.5],
                ["/compose/done", req, 0, 0.5]],
            [["/compose/begin", req, 0, 1], ["/compose/result", req, 9, 8.0, 16.0, 0], ["/compose/done", req, 0, 0.5]],
            [["/compose/begin", req, 0, 1], ["/compose/result", req, 3, 8.0, 16.0, 1],
                ["/compose/result/note", req, 3, 40.5, 60, 90, 1.5], ["/compose/done", req, 0, 0.5]],
            [["/compose/error", req, "the model tripped over a bar line"]],
            "garbage"
        ];
        var answer = answers[fills++];
        if (answer === "garbage") {
            fake.send(Buffer.from("\x00\x01garbage that is not OSC"), replyTo, "127.0.0.1");
            return;
        }
        answer.forEach(function (msg, i) {
            setTimeout(function () { fake.send(encode(msg), replyTo, "127.0.0.1"); }, 5 * i);
        });
    });
    var dev = await openDevice(sessionSet(), fake.address().port);
    dev.max.timeout(1);
    var before = clips(dev.set);
    var said = [];
    for (var i = 0; i < 5; i++) {
        dev.max.fill();
        await idle(dev, 5000);
        said.push(dev.statuses.activity);
    }
    results.bad = snapshot(dev, {before: before, said: said});
    dev.close();
    fake.close();
}

async function main() {
    var results = {};
    await composing(results);
    await learning(results);
    await agentDown(results);
    await badReplies(results);
    results.sent = sent;
    results.opened = opened;
    process.stdout.write(JSON.stringify(results));
}

main().catch(function (err) {
    process.stderr.write(String(err && err.stack || err) + "\n");
    process.exit(1);
});
