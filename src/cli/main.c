/* skview: watch and steer a Skaffold dev loop. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
