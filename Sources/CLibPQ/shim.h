#ifndef KAOHE_CLIBPQ_SHIM_H
#define KAOHE_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
