#include <security/pam_appl.h>
#include <stdlib.h>
#include <string.h>
