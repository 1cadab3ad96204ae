/* echoserver.c - a submission that does not compile (the Gradescope test:
 * its grade must quote the compiler's error). */
int main(void)
{
    return undeclared_port_variable;
}
