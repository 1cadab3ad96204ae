#include "echocheck.h"
const check_t conc_checks[1], robust_checks[1], res_checks[1], shutdown_checks[1];
const int n_conc_checks = 0, n_robust_checks = 0, n_res_checks = 0, n_shutdown_checks = 0;
