#include "TwinCoreShims.h"
