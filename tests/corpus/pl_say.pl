#!/usr/bin/perl
# pl_say.pl - corpus: a forking echo server that reads its client line by
# line with <$client>, chomps each line and answers with say, as a Perl
# tutorial on line protocols does.
# Kind: broken. Its one defect: say adds a newline of its own. A line
# that ended in "\n" comes back as it went, but a last line sent without
# one comes back with a "\n" added. Everything else is right: bytes are
# not decoded (no :utf8 layer), children are reaped by the kernel (SIGCHLD
# ignored), SIGPIPE ignored, SIGTERM passed on to the children.
# Run: perl tests/corpus/pl_say.pl PORT
use strict;
use warnings;
use feature 'say';
use IO::Socket::INET;

my $port = $ARGV[0] // die "usage: $0 PORT\n";
my $listen = IO::Socket::INET->new(
    LocalAddr => '127.0.0.1', LocalPort => $port,
    Listen => 128, ReuseAddr => 1,
) or die "cannot listen: $!";

$SIG{CHLD} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';
$SIG{TERM} = sub { local $SIG{TERM} = 'IGNORE'; kill TERM => -$$; exit 0 };

for (;;) {
    my $client = $listen->accept or do {
        select(undef, undef, undef, 0.05);
        next;
    };
    defined(my $pid = fork) or do { close $client; next };
    if ($pid) {
        close $client;
        next;
    }
    $SIG{TERM} = 'DEFAULT';
    close $listen;
    $client->autoflush(1);
    while (my $line = <$client>) {
        chomp $line;
        say $client $line;   # BUG: adds "\n" even where none came
    }
    exit 0;
}
