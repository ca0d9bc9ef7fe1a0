// Sideman.sc: play along with the Sideman agent from SuperCollider (OSC contract: patches/OSC.md).
//
// Install: copy this file into Platform.userExtensionDir, then Language > Recompile Class Library.
// Start the agent first: `sideman run` (listens on 9000, sends to 9001).
//
//   s.boot;
//   ~sm = Sideman(TempoClock(2), listenPort: 9001);          // 120 bpm: tempo is the clock's
//   ~sm.chords([[0, 4, "C"], [4, 4, "Am7"], [8, 4, "Dm7"], [12, 4, "G7"]]);
//   ~sm.play;                                                // song beat 0 = now
//   ~sm.noteOn(64, 100); ~sm.noteOff(64);                    // or ~sm.note(beat, pitch, vel, dur)
//   ~sm.synths[3] = \bass;                                   // a SynthDef per MIDI channel (default \default)
//   ~sm.stop; ~sm.free;
//
// Timing: the agent sends each /note with the song beat at which to play it, ahead of time. Song beat
// b is clock beat `origin + b`; the note is scheduled there with clock.schedAbs and played with
// s.makeBundle(s.latency, ...), so it sounds at exactly that beat plus the server latency, like any
// pattern. A note whose beat has passed by more than `lateBeats` is dropped and counted. The playhead
// goes out every `interval` seconds while playing; tempo changes of the clock are sent as they happen.

Sideman {
	var <clock, <agent, <listenPort, <server;
	var <>synths, <>defaultSynth = \default, <>interval = 0.02, <>lateBeats = 0.05, <>verbose = false;
	var <origin = 0, <playing = false, <late = 0, <received = 0, <lastStatus, <lastError;
	var pending, sounding, responders, ticker, lastTempo;

	*new { |clock, host = "127.0.0.1", agentPort = 9000, listenPort = 9001, server|
		^super.new.init(clock, host, agentPort, listenPort, server)
	}

	init { |argClock, host, agentPort, argListenPort, argServer|
		clock = argClock ? TempoClock.default;
		server = argServer ? Server.default;
		agent = NetAddr(host, agentPort);
		listenPort = argListenPort;
		synths = IdentityDictionary.new;
		pending = IdentityDictionary.new;  // note id -> true until it plays (a /note/cancel removes it)
		sounding = IdentitySet.new;  // Synths started by the agent's notes
		thisProcess.openUDPPort(listenPort);
		responders = [
			OSCFunc({ |msg| this.prReceive(msg) }, '/note', recvPort: listenPort),
			OSCFunc({ |msg| pending.removeAt(msg[1].asInteger) }, '/note/cancel', recvPort: listenPort),
			OSCFunc({ this.allNotesOff }, '/agent/allnotesoff', recvPort: listenPort),
			OSCFunc({ |msg| lastStatus = msg; if(verbose) { msg.postln } }, '/agent/status', recvPort: listenPort),
			OSCFunc({ |msg| lastError = msg[1]; ("sideman: " ++ msg[1]).warn }, '/agent/error', recvPort: listenPort)
		];
		agent.sendMsg('/agent/hello', listenPort);  // replies come here even if the agent sends elsewhere
	}

	beat { ^clock.beats - origin }  // the song position in beats
	bpm { ^clock.tempo * 60 }

	// Start the transport at song beat `from` (default 0): tempo, meter, play, then the playhead.
	play { |from = 0, numerator = 4, denominator = 4|
		origin = clock.beats - from;
		lastTempo = clock.tempo;
		agent.sendMsg('/transport/tempo', this.bpm.asFloat);
		agent.sendMsg('/transport/timesig', numerator.asInteger, denominator.asInteger);
		agent.sendMsg('/transport/play');
		agent.sendMsg('/playhead', this.beat.asFloat);
		playing = true;
		ticker.stop;
		ticker = Routine {
			loop {
				if(clock.tempo != lastTempo) {
					lastTempo = clock.tempo;
					agent.sendMsg('/transport/tempo', this.bpm.asFloat);
				};
				agent.sendMsg('/playhead', this.beat.asFloat);
				interval.wait;
			}
		}.play(SystemClock);
	}

	stop {
		ticker.stop;
		playing = false;
		agent.sendMsg('/transport/stop');
		this.allNotesOff;
	}

	// Jump to song beat `to` (a seek or a loop): the agent replans from there.
	locate { |to|
		origin = clock.beats - to;
		this.allNotesOff;
		agent.sendMsg('/playhead', this.beat.asFloat);
	}

	chord { |beat, dur, symbol| agent.sendMsg('/chord', beat.asFloat, dur.asFloat, symbol.asString) }
	chords { |spans| spans.do { |span| this.chord(*span) } }  // [[beat, dur, symbol], ...]
	clearChords { agent.sendMsg('/chords/clear') }
	note { |beat, pitch, velocity, dur| agent.sendMsg('/note', beat.asFloat, pitch.asInteger, velocity.asInteger, dur.asFloat) }
	noteOn { |pitch, velocity| agent.sendMsg('/note/on', this.beat.asFloat, pitch.asInteger, velocity.asInteger) }
	noteOff { |pitch| agent.sendMsg('/note/off', this.beat.asFloat, pitch.asInteger) }
	instruments { |...programs| agent.sendMsg('/agent/instruments', *programs.collect(_.asInteger)) }
	set { |name, value| agent.sendMsg('/agent/set', name.asString, value) }
	panic { agent.sendMsg('/agent/panic'); this.allNotesOff }

	allNotesOff {
		pending.clear;
		server.makeBundle(server.latency, { sounding.do { |synth| synth.release } });
		sounding.clear;
	}

	free {
		this.stop;
		responders.do(_.free);
	}

	// /note id beat pitch velocity dur_beats channel
	prReceive { |msg|
		var id = msg[1].asInteger, at = origin + msg[2];
		received = received + 1;
		if(playing.not or: { at < (clock.beats - lateBeats) }) {
			late = late + 1;
			if(verbose) { "sideman: late note %".format(msg).postln };
		} {
			pending[id] = true;
			clock.schedAbs(max(at, clock.beats), {
				if(pending.removeAt(id).notNil) { this.prPlay(msg[3], msg[4], msg[5], msg[6]) };
				nil
			});
		};
	}

	prPlay { |pitch, velocity, dur, channel|
		var synth, def = synths[channel.asInteger] ? defaultSynth;
		server.makeBundle(server.latency, {
			synth = Synth(def, [\freq, pitch.midicps, \amp, velocity / 127 * 0.4]);
		});
		sounding.add(synth);
		clock.sched(dur, {
			if(sounding.includes(synth)) {
				sounding.remove(synth);
				server.makeBundle(server.latency, { synth.release });
			};
			nil
		});
	}
}
