#!/usr/bin/perl
# pl_select.pl - corpus: a single-process echo server on IO::Select, the
# way a Perl programmer multiplexes clients without fork: non-blocking
# sockets, sysread/syswrite, a string of pending echo per client.
# Kind: correct. A client whose pending echo reaches 256 KB is not read
# until it drains (back-pressure); a client's end of file closes it only
# once its echo is out; out of descriptors, the listener is left out of
# the read set until a client leaves.
# Run: perl tests/corpus/pl_select.pl PORT
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Errno qw(EAGAIN EWOULDBLOCK EINTR);

use constant HIGH_WATER => 256 * 1024;

my $port = shift // die "usage: $0 PORT\n";
my $listener = IO::Socket::INET->new(
    LocalAddr => '127.0.0.1', LocalPort => $port,
    Listen => 128, ReuseAddr => 1, Blocking => 0,
) or die "listen: $!\n";
$SIG{PIPE} = 'IGNORE';

my %out;   # socket => echo not yet written
my %eof;   # socket => the client has shut down its side
my %sock;  # socket => the socket itself (keys are strings)
my $accepting = 1; # 0 while out of descriptors

sub drop {
    my ($s) = @_;
    delete $out{$s}; delete $eof{$s}; delete $sock{$s};
    close $s;
    $accepting = 1;
}

sub take_client {
    my $c = $listener->accept or return 0;
    $c->blocking(0);
    $sock{$c} = $c;
    $out{$c} = '';
    return 1;
}

sub read_from {
    my ($s) = @_;
    my $n = sysread($s, my $buf, 65536);
    if (!defined $n) {
        drop($s) unless $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
    } elsif ($n == 0) {
        $eof{$s} = 1;
    } else {
        $out{$s} .= $buf;
    }
}

sub write_to {
    my ($s) = @_;
    my $n = syswrite($s, $out{$s});
    if (!defined $n) {
        drop($s) unless $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
        return;
    }
    substr($out{$s}, 0, $n, '');
}

while (1) {
    my $r = IO::Select->new;
    my $w = IO::Select->new;
    $r->add($listener) if $accepting;
    for my $s (values %sock) {
        $r->add($s) if !$eof{$s} && length($out{$s}) < HIGH_WATER;
        $w->add($s) if length $out{$s};
    }
    my ($readable, $writable) = IO::Select->select($r, $w, undef);
    next unless $readable;
    for my $s (@$readable) {
        if ($s == $listener) {
            $accepting = take_client();
        } elsif ($sock{$s}) {
            read_from($s);
        }
    }
    for my $s (@$writable) {
        write_to($s) if $sock{$s};
    }
    for my $s (values %sock) {
        drop($s) if $eof{$s} && !length $out{$s};
    }
}
