#!/usr/bin/perl
# pl_fork.pl - corpus: a forking echo server the way perlipc shows one:
# IO::Socket::INET to listen, fork per client, a SIGCHLD handler that
# reaps every child that has ended, sysread/syswrite so bytes pass as
# they are.
# Kind: correct. An accept interrupted by SIGCHLD (EINTR) or refused for
# lack of descriptors is tried again, not taken for the end of the loop;
# SIGTERM is passed on to the children (our process group).
# Run: perl tests/corpus/pl_fork.pl PORT
use strict;
use warnings;
use IO::Socket::INET;
use POSIX ':sys_wait_h';

my $port = shift or die "usage: $0 PORT\n";
my $server = IO::Socket::INET->new(
    LocalAddr => '127.0.0.1',
    LocalPort => $port,
    Proto     => 'tcp',
    Listen    => 128,
    ReuseAddr => 1,
) or die "listen on $port: $!\n";

$SIG{PIPE} = 'IGNORE';
$SIG{CHLD} = sub { 1 while waitpid(-1, WNOHANG) > 0 };
$SIG{TERM} = sub {
    local $SIG{TERM} = 'IGNORE';
    kill TERM => -$$;
    exit 0;
};

sub echo_client {
    my ($client) = @_;
    my $buf;
    while (1) {
        my $n = sysread($client, $buf, 65536);
        last if !defined $n && !$!{EINTR};
        next if !defined $n;
        last if $n == 0;
        my $off = 0;
        while ($off < $n) {
            my $w = syswrite($client, $buf, $n - $off, $off);
            return unless defined $w;
            $off += $w;
        }
    }
}

while (1) {
    my $client = $server->accept;
    if (!$client) {
        next if $!{EINTR};
        warn "accept: $!\n";
        select(undef, undef, undef, 0.05);
        next;
    }
    my $pid = fork;
    if (!defined $pid) {
        warn "fork: $!\n";
    } elsif ($pid == 0) {
        $SIG{TERM} = 'DEFAULT';
        close $server;
        echo_client($client);
        exit 0;
    }
    close $client;
}
